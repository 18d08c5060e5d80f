package org.onecnn.gpu;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Set;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the test classes tagged {@code gpu} found under a class-path root (the GPU bundle's {@code test-classes},
 * docs/gpu.md), where neither Maven nor a JUnit console is: {@code java -cp ... org.onecnn.gpu.GpuTests ROOT}.
 * Prints JUnit's summary with every failure; exit code 0 when all passed and at least one ran, 1 otherwise.
 */
public final class GpuTests {
    private GpuTests() {
    }

    public static void main(String[] args) {
        Path root = Path.of(args.length > 0 ? args[0] : "test-classes");
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClasspathRoots(Set.of(root))).filters(TagFilter.includeTags("gpu")).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary s = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        s.printTo(out);
        s.printFailuresTo(out, 40);
        boolean ok = s.getTotalFailureCount() == 0 && s.getTestsSucceededCount() > 0;
        out.println(ok ? "gpu tests: PASSED (" + s.getTestsSucceededCount() + ")" : "gpu tests: FAILED ("
                + s.getTotalFailureCount() + " failed, " + s.getTestsSucceededCount() + " passed)");
        System.exit(ok ? 0 : 1);
    }
}
