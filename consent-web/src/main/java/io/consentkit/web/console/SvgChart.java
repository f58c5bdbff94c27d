package io.consentkit.web.console;

import io.consentkit.InvalidInputException;
import io.consentkit.web.Html;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Draws the dashboard's charts as inline SVG on the server: stacked bars or lines over days, with a value
 * axis, day labels and a legend. No script, no font or file from elsewhere; every text (title, labels,
 * series names) is escaped, as the output is {@link Html} built from constant templates; the same data
 * gives the same bytes. Each bar and point carries {@code data-series}, {@code data-label} and {@code data-value} attributes and a
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
    public static Html bars(String title, List<String> labels, Map<String, long[]> series) {
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
    public static Html lines(String title, List<String> labels, Map<String, double[]> series) {
        return render(false, title, labels, series);
    }

    private static Html render(boolean stacked, String title, List<String> labels, Map<String, double[]> series) {
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
        double step = stacked ? Math.max(1, niceStep(max / TICKS)) : niceStep(max / TICKS); // bars count whole things
        double top = step * TICKS;
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        double slot = (double) plotW / n;
        List<Html> parts = new ArrayList<>();
        for (int t = 0; t <= TICKS; t++) { // value axis: gridlines and tick labels
            String y = num(TOP + plotH - (double) plotH * t / TICKS);
            parts.add(Html.format("<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"{}\"/>"
                    + "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", LEFT, WIDTH - RIGHT, y, y,
                    t == 0 ? "#444" : "#ddd", LEFT - 6, num(TOP + plotH - (double) plotH * t / TICKS + 4), value(step * t)));
        }
        int every = Math.max(1, (int) Math.ceil(n / 10.0)); // at most about ten day labels
        for (int i = 0; i < n; i += every) {
            parts.add(Html.format("<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    num(LEFT + slot * (i + 0.5)), TOP + plotH + 14, labels.get(i)));
        }
        int s = 0;
        double[] base = new double[n];
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            String colour = COLOURS[s % COLOURS.length];
            String name = e.getKey();
            double[] v = e.getValue();
            if (stacked) {
                double w = Math.max(1, slot * 0.7);
                for (int i = 0; i < n; i++) {
                    if (v[i] <= 0) {
                        continue;
                    }
                    double h = plotH * v[i] / top;
                    double y = TOP + plotH - plotH * base[i] / top - h;
                    base[i] += v[i];
                    parts.add(Html.format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" "
                                    + "data-series=\"{}\" data-label=\"{}\" data-value=\"{}\"><title>{} {}: {}</title></rect>",
                            num(LEFT + slot * i + (slot - w) / 2), num(y), num(w), num(h), colour, name, labels.get(i),
                            value(v[i]), labels.get(i), name, value(v[i])));
                }
            } else {
                StringBuilder points = new StringBuilder();
                List<Html> dots = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String x = num(LEFT + slot * (i + 0.5));
                    String y = num(TOP + plotH - plotH * v[i] / top);
                    points.append(i == 0 ? "" : " ").append(x).append(',').append(y);
                    dots.add(Html.format("<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{}\" data-series=\"{}\" "
                                    + "data-label=\"{}\" data-value=\"{}\"><title>{} {}: {}</title></circle>", x, y, colour,
                            name, labels.get(i), value(v[i]), labels.get(i), name, value(v[i])));
                }
                parts.add(Html.format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>",
                        colour, points.toString()));
                parts.addAll(dots);
            }
            int lx = LEFT + (s % 4) * 140;
            int ly = HEIGHT - 30 + (s / 4) * 14;
            parts.add(Html.format("<rect class=\"key\" x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/>"
                    + "<text class=\"legend\" x=\"{}\" y=\"{}\">{}</text>", lx, ly - 9, colour, lx + 14, ly, name));
            s++;
        }
        if (series.isEmpty()) {
            parts.add(Html.format("<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#777\">"
                    + "no data</text>", LEFT + plotW / 2, TOP + plotH / 2));
        }
        return Html.format("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 {} {}\" "
                        + "width=\"{}\" height=\"{}\" aria-label=\"{}\" font-family=\"sans-serif\" font-size=\"11\">"
                        + "<title>{}</title><text x=\"{}\" y=\"18\" font-size=\"13\" font-weight=\"bold\">{}</text>{}</svg>",
                WIDTH, HEIGHT, WIDTH, HEIGHT, title, title, LEFT, title, Html.join(parts));
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

    /** Day labels ("03-02") for the days of a dashboard. */
    public static List<String> dayLabels(Dashboard d) {
        List<String> out = new ArrayList<>(d.days());
        for (java.time.LocalDate day = d.first(); !day.isAfter(d.last()); day = day.plusDays(1)) {
            out.add(day.toString().substring(5));
        }
        return out;
    }
}
