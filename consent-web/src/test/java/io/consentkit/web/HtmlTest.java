package io.consentkit.web;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HtmlTest {
    @Test
    void escapesTheFiveCharactersAndLeavesTheRest() {
        assertThat(Html.escape("<script>alert('x')</script> & \"q\"")).isEqualTo(
                "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
        assertThat(Html.escape("plain é 😀")).isEqualTo("plain é 😀");
        assertThat(Html.escape(null)).isEmpty();
    }

    @Test
    void formatEscapesTextButKeepsNestedHtml() {
        Html cell = Html.format("<td>{}</td>", "<b>x</b>");
        Html row = Html.format("<tr>{}{}</tr>", cell, 42);
        assertThat(row.toString()).isEqualTo("<tr><td>&lt;b&gt;x&lt;/b&gt;</td>42</tr>");
        assertThat(Html.format("<p title=\"{}\">{}</p>", "a\"onmouseover=\"x", null).toString())
                .isEqualTo("<p title=\"a&quot;onmouseover=&quot;x\"></p>");
        assertThat(Html.join(List.of(Html.text("a"), Html.text("<")))).isEqualTo(Html.text("a<"));
        assertThat(Html.text("x").then(Html.text("y")).bytes()).isEqualTo("xy".getBytes());
    }

    @Test
    void holesAndArgumentsMustMatch() {
        assertThatThrownBy(() -> Html.format("<p>{}{}</p>", "one")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Html.format("<p>{}</p>", "one", "two")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStylesheetIsAllowedByItsHashAndNothingElseInline() {
        assertThat(SecurityHeaders.CONTENT_SECURITY_POLICY).contains("script-src 'none'", "frame-ancestors 'none'",
                "default-src 'none'", "form-action 'self'", SecurityHeaders.hashSource(Pages.STYLE))
                .doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(Pages.document("t", Html.EMPTY).toString()).contains("<style>" + Pages.STYLE + "</style>")
                .doesNotContain("<script");
    }
}
