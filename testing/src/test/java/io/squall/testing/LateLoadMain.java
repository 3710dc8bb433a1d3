package io.squall.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * What Maven Surefire does in a fork: load a test class, then open a JUnit launcher session and run the class,
 * named by its name. Run in a child JVM by {@link LateLoadTest}; prints what the session said and how the
 * tests went.
 */
public final class LateLoadMain {

    private LateLoadMain() {
    }

    /**
     * @param args the class to load before the session
     * @throws Exception if the class cannot be loaded
     */
    public static void main(String[] args) throws Exception {
        Class.forName(args[0], false, LateLoadMain.class.getClassLoader());
        try (LauncherSession session = LauncherFactory.openSession()) {
            System.out.println("SESSION-OPENED");
            SummaryGeneratingListener summary = new SummaryGeneratingListener();
            session.getLauncher().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(args[0]))
                    .build(), summary);
            TestExecutionSummary s = summary.getSummary();
            System.out.println("TESTS found=" + s.getTestsFoundCount() + " succeeded=" + s.getTestsSucceededCount()
                    + " failed=" + s.getTotalFailureCount());
            s.getFailures().forEach(f -> f.getException().printStackTrace(System.out));
        } catch (RuntimeException e) {
            System.out.println("SESSION-REFUSED: " + e.getMessage());
        }
    }
}
