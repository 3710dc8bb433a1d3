package io.squall.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * What Maven Surefire does in a fork: load a test class, then open a JUnit launcher session. Run in a child
 * JVM by {@link LateLoadTest}; prints what the session listener said.
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
        } catch (RuntimeException e) {
            System.out.println("SESSION-REFUSED: " + e.getMessage());
        }
    }
}
