package exo.bench;

import java.awt.Color;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.graphics2d.svg.SVGGraphics2D;

/**
 * A bar chart of a report's tokens per second: one group per test, one bar per engine and
 * thread count (and ring size and sessions where they vary), as PNG or SVG by the file's name.
 */
public final class BenchPlot {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;

    private BenchPlot() {
    }

    /** @throws IllegalArgumentException for a name that ends in neither .png nor .svg */
    public static void write(BenchReport report, String title, Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".png") && !name.endsWith(".svg")) {
            throw new IllegalArgumentException("--plot takes a .png or .svg file, not " + file.getFileName());
        }
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (BenchRow r : report.rows()) {
            String series = r.engine() + ", " + r.threads() + (r.threads() == 1 ? " thread" : " threads")
                    + (r.nodes() > 1 ? ", " + r.nodes() + " nodes" : "")
                    + (r.sessions() > 1 ? ", " + r.sessions() + " sessions" : "");
            data.addValue(r.tokensPerSecond(), series, r.test());
        }
        JFreeChart chart = ChartFactory.createBarChart(title, "test", "tokens/s", data, PlotOrientation.VERTICAL,
                true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (name.endsWith(".png")) {
            ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        } else {
            SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
            chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
            Files.writeString(file, g.getSVGDocument(), StandardCharsets.UTF_8);
        }
    }
}
