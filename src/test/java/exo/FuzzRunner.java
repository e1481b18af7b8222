package exo;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the tests of one class in this JVM and exits 1 when any failed: what .ci/fuzz starts once per
 * fuzz test (Jazzer fuzzes one test per JVM) instead of a whole Maven build, whose start-up cost
 * about half of each 25 s fuzzing run on two cores. Jazzer's settings arrive as system properties
 * ({@code jazzer.max_duration}, ...) and {@code JAZZER_FUZZ=1} in the environment, as under surefire.
 *
 * <p>Usage: {@code java -cp test-classes:classes:DEPENDENCIES exo.FuzzRunner exo.gguf.GgufFuzzTest}
 */
public final class FuzzRunner {
    private FuzzRunner() {}

    public static void main(String[] args) throws ClassNotFoundException {
        if (args.length != 1) {
            System.err.println("usage: FuzzRunner TEST_CLASS");
            System.exit(2);
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(Class.forName(args[0])))
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        summary.printTo(out);
        summary.printFailuresTo(out, 40);
        boolean failed = summary.getTotalFailureCount() > 0 || summary.getTestsSucceededCount() == 0;
        System.exit(failed ? 1 : 0);
    }
}
