package io.consentkit.web.console;

import io.consentkit.InvalidInputException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Draws the dashboard's charts as inline SVG on the server: stacked bars or lines over days, with a value
 * axis, day labels and a legend. No script, no font or file from elsewhere; every text (title, labels,
 * series names) is escaped, and the output depends only on the input (same data, same bytes). Each bar
 * and point carries {@code data-series}, {@code data-label} and {@code data-value} attributes and a
 * {@code <title>} tooltip. Stateless; thread-safe.
 */
public final class SvgChart {
    /** Width of the drawing, in SVG units. */
    public static final int WIDTH = 640;
    /** Height of the drawing, in SVG units. */
    public static final int HEIGHT = 260;
    /** The most series drawn; more are refused (a legend that long is unreadable). */
    public static final int MAX_SERIES = 12;
    /** The most labels (days) drawn. */
    public static final int MAX_LABELS = 400;

    private static final int LEFT = 60;
    private static final int RIGHT = 12;
    private static final int TOP = 30;
    private static final int BOTTOM = 66;
    private static final int TICKS = 4;
    private static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939"};

    private SvgChart() {
    }

    /** Stacked bars: one bar per label, one segment per series (in the map's order). */
    public static String bars(String title, List<String> labels, Map<String, long[]> series) {
        Map<String, double[]> d = new LinkedHashMap<>();
        series.forEach((k, v) -> {
            double[] x = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                x[i] = v[i];
            }
            d.put(k, x);
        });
        return render(true, title, labels, d);
    }

    /** Lines: one line per series (in the map's order), one point per label. */
    public static String lines(String title, List<String> labels, Map<String, double[]> series) {
        return render(false, title, labels, series);
    }

    private static String render(boolean stacked, String title, List<String> labels, Map<String, double[]> series) {
        Objects.requireNonNull(title, "title");
        check(labels, series);
        int n = labels.size();
        double max = 0;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (double[] v : series.values()) {
                sum = stacked ? sum + v[i] : Math.max(sum, v[i]);
            }
            max = Math.max(max, sum);
        }
        double step = niceStep(max / TICKS);
        double top = step * TICKS;
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        double slot = (double) plotW / n;
        StringBuilder sb = new StringBuilder(4096);
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(HEIGHT).append("\" width=\"").append(WIDTH).append("\" height=\"")
                .append(HEIGHT).append("\" aria-label=\"").append(escape(title)).append("\" font-family=\"sans-serif\""
                        + " font-size=\"11\">");
        sb.append("<title>").append(escape(title)).append("</title>");
        sb.append("<text x=\"").append(LEFT).append("\" y=\"18\" font-size=\"13\" font-weight=\"bold\">")
                .append(escape(title)).append("</text>");
        for (int t = 0; t <= TICKS; t++) { // value axis: gridlines and tick labels
            double y = TOP + plotH - (double) plotH * t / TICKS;
            sb.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"")
                    .append(num(y)).append("\" y2=\"").append(num(y)).append("\" stroke=\"")
                    .append(t == 0 ? "#444" : "#ddd").append("\"/>");
            sb.append("<text class=\"tick\" x=\"").append(LEFT - 6).append("\" y=\"").append(num(y + 4))
                    .append("\" text-anchor=\"end\">").append(escape(value(step * t))).append("</text>");
        }
        int every = Math.max(1, (int) Math.ceil(n / 10.0)); // at most about ten day labels
        for (int i = 0; i < n; i += every) {
            sb.append("<text class=\"label\" x=\"").append(num(LEFT + slot * (i + 0.5))).append("\" y=\"")
                    .append(TOP + plotH + 14).append("\" text-anchor=\"middle\">").append(escape(labels.get(i)))
                    .append("</text>");
        }
        int s = 0;
        double[] base = new double[n];
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            String colour = COLOURS[s % COLOURS.length];
            String name = escape(e.getKey());
            double[] v = e.getValue();
            if (stacked) {
                double w = Math.max(1, slot * 0.7);
                for (int i = 0; i < n; i++) {
                    if (v[i] <= 0) {
                        continue;
                    }
                    double h = top == 0 ? 0 : plotH * v[i] / top;
                    double y = TOP + plotH - plotH * base[i] / top - h;
                    base[i] += v[i];
                    sb.append("<rect x=\"").append(num(LEFT + slot * i + (slot - w) / 2)).append("\" y=\"")
                            .append(num(y)).append("\" width=\"").append(num(w)).append("\" height=\"").append(num(h))
                            .append("\" fill=\"").append(colour).append("\"");
                    data(sb, name, labels.get(i), v[i]).append("><title>").append(escape(labels.get(i))).append(' ')
                            .append(name).append(": ").append(escape(value(v[i]))).append("</title></rect>");
                }
            } else {
                StringBuilder points = new StringBuilder();
                StringBuilder dots = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    double x = LEFT + slot * (i + 0.5);
                    double y = TOP + plotH - (top == 0 ? 0 : plotH * v[i] / top);
                    points.append(i == 0 ? "" : " ").append(num(x)).append(',').append(num(y));
                    dots.append("<circle cx=\"").append(num(x)).append("\" cy=\"").append(num(y))
                            .append("\" r=\"2.5\" fill=\"").append(colour).append("\"");
                    data(dots, name, labels.get(i), v[i]).append("><title>").append(escape(labels.get(i))).append(' ')
                            .append(name).append(": ").append(escape(value(v[i]))).append("</title></circle>");
                }
                sb.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\" points=\"")
                        .append(points).append("\"/>").append(dots);
            }
            int lx = LEFT + (s % 4) * 140;
            int ly = HEIGHT - 30 + (s / 4) * 14;
            sb.append("<rect class=\"key\" x=\"").append(lx).append("\" y=\"").append(ly - 9)
                    .append("\" width=\"10\" height=\"10\" fill=\"").append(colour).append("\"/>");
            sb.append("<text class=\"legend\" x=\"").append(lx + 14).append("\" y=\"").append(ly).append("\">")
                    .append(name).append("</text>");
            s++;
        }
        if (series.isEmpty()) {
            sb.append("<text class=\"empty\" x=\"").append(LEFT + plotW / 2).append("\" y=\"").append(TOP + plotH / 2)
                    .append("\" text-anchor=\"middle\" fill=\"#777\">no data</text>");
        }
        return sb.append("</svg>").toString();
    }

    private static StringBuilder data(StringBuilder sb, String escapedName, String label, double v) {
        return sb.append(" data-series=\"").append(escapedName).append("\" data-label=\"").append(escape(label))
                .append("\" data-value=\"").append(escape(value(v))).append('"');
    }

    private static void check(List<String> labels, Map<String, double[]> series) {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(series, "series");
        if (labels.isEmpty() || labels.size() > MAX_LABELS) {
            throw new InvalidInputException("labels", "must be 1 to " + MAX_LABELS + ", were " + labels.size());
        }
        if (series.size() > MAX_SERIES) {
            throw new InvalidInputException("series", "at most " + MAX_SERIES + ", were " + series.size());
        }
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            if (e.getValue().length != labels.size()) {
                throw new InvalidInputException("series", "'" + io.consentkit.support.Masking.printable(e.getKey())
                        + "' has " + e.getValue().length + " values for " + labels.size() + " labels");
            }
            for (double v : e.getValue()) {
                if (!Double.isFinite(v) || v < 0) {
                    throw new InvalidInputException("series", "values must be finite and not negative, got " + v);
                }
            }
        }
    }

    /** The smallest of 1, 2 or 5 times a power of ten that is at least {@code raw} (1 for zero). */
    static double niceStep(double raw) {
        if (raw <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw * (1 - 1e-12)) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** A value as the chart writes it: an integer when it is one, else up to four decimals. */
    static String value(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new java.math.BigDecimal(v).setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Escapes text for an SVG/XML text node or a double-quoted attribute. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c < 0x20 && c != '\t' || c == 0xFFFE || c == 0xFFFF ? '?' : c);
            }
        }
        return sb.toString();
    }

    /** Day labels ("03-02") for the days of a dashboard. */
    public static List<String> dayLabels(Dashboard d) {
        List<String> out = new ArrayList<>(d.days());
        for (java.time.LocalDate day = d.first(); !day.isAfter(d.last()); day = day.plusDays(1)) {
            out.add(day.toString().substring(5));
        }
        return out;
    }
}
