package io.consentkit.web.console;

import io.consentkit.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SvgChartTest {
    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    static List<Element> elements(Document d, String name) {
        NodeList nl = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", name);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nl.getLength(); i++) {
            out.add((Element) nl.item(i));
        }
        return out;
    }

    static double attr(Element e, String name) {
        return Double.parseDouble(e.getAttribute(name));
    }

    @Test
    void stackedBarsAreProportionalAndStackedInSeriesOrder() throws Exception {
        Map<String, long[]> series = new LinkedHashMap<>();
        series.put("web_form", new long[] {2, 4, 0});
        series.put("keyword", new long[] {1, 0, 3});
        String svg = SvgChart.bars("Opt-ins per day", List.of("03-01", "03-02", "03-03"), series).toString();
        Document d = parse(svg);
        assertThat(d.getDocumentElement().getLocalName()).isEqualTo("svg");
        List<Element> bars = elements(d, "rect").stream().filter(e -> e.hasAttribute("data-series")).toList();
        assertThat(bars).extracting(e -> e.getAttribute("data-series") + "@" + e.getAttribute("data-label") + "="
                + e.getAttribute("data-value"))
                .containsExactly("web_form@03-01=2", "web_form@03-02=4", "keyword@03-01=1", "keyword@03-03=3");
        double h2 = attr(bars.get(0), "height");
        double h4 = attr(bars.get(1), "height");
        double h1 = attr(bars.get(2), "height");
        assertThat(h4).isCloseTo(2 * h2, org.assertj.core.data.Offset.offset(0.11));
        assertThat(h2).isCloseTo(2 * h1, org.assertj.core.data.Offset.offset(0.11));
        // keyword's segment on 03-01 sits on top of web_form's
        assertThat(attr(bars.get(2), "y") + h1).isCloseTo(attr(bars.get(0), "y"), org.assertj.core.data.Offset.offset(0.11));
        // value axis: 0 to a round top (4 ticks of 1 for a tallest stack of 4)
        List<String> ticks = elements(d, "text").stream().filter(e -> "tick".equals(e.getAttribute("class")))
                .map(Element::getTextContent).toList();
        assertThat(ticks).containsExactly("0", "1", "2", "3", "4");
        assertThat(elements(d, "text").stream().filter(e -> "legend".equals(e.getAttribute("class")))
                .map(Element::getTextContent)).containsExactly("web_form", "keyword");
        assertThat(SvgChart.bars("Opt-ins per day", List.of("03-01", "03-02", "03-03"), series).toString()).isEqualTo(svg);
    }

    @Test
    void linesHaveOnePointPerDayAndDecimalValues() throws Exception {
        Map<String, double[]> series = Map.of("USD", new double[] {0.0079, 0.0237});
        Document d = parse(SvgChart.lines("Cost per day", List.of("03-01", "03-02"), series).toString());
        assertThat(elements(d, "polyline")).hasSize(1);
        assertThat(elements(d, "circle")).extracting(e -> e.getAttribute("data-value"))
                .containsExactly("0.0079", "0.0237");
        List<Element> c = elements(d, "circle");
        assertThat(attr(c.get(1), "cy")).isLessThan(attr(c.get(0), "cy"));
    }

    @Test
    void textIsEscapedAndEmptyDataSaysSo() throws Exception {
        String hostile = "<script>alert('x')</script> & \"q\"";
        String svg = SvgChart.bars(hostile, List.of("<b>"), Map.of(hostile, new long[] {1})).toString();
        assertThat(svg).doesNotContain("<script>").doesNotContain("<b>");
        Document d = parse(svg);
        assertThat(elements(d, "title").get(0).getTextContent()).isEqualTo(hostile);
        assertThat(elements(d, "rect").stream().filter(e -> e.hasAttribute("data-series")).findFirst().orElseThrow()
                .getAttribute("data-series")).isEqualTo(hostile);
        Document empty = parse(SvgChart.bars("Blocks", List.of("03-01"), Map.of()).toString());
        assertThat(elements(empty, "text").stream().map(Element::getTextContent)).contains("no data");
    }

    @Test
    void badSeriesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> SvgChart.bars("t", List.of("a", "b"), Map.of("s", new long[] {1})))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("series").hasMessageContaining("2 labels");
        assertThatThrownBy(() -> SvgChart.bars("t", List.of("a"), Map.of("s", new long[] {-1})))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> SvgChart.lines("t", List.of(), Map.of()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("labels");
    }

    @Test
    void niceStepsAndValues() {
        assertThat(SvgChart.niceStep(0)).isEqualTo(1);
        assertThat(SvgChart.niceStep(0.75)).isEqualTo(1);
        assertThat(SvgChart.niceStep(1.2)).isEqualTo(2);
        assertThat(SvgChart.niceStep(3)).isEqualTo(5);
        assertThat(SvgChart.niceStep(70)).isEqualTo(100);
        assertThat(SvgChart.niceStep(0.003)).isCloseTo(0.005, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(SvgChart.value(12)).isEqualTo("12");
        assertThat(SvgChart.value(0.12345)).isEqualTo("0.1235");
    }
}
