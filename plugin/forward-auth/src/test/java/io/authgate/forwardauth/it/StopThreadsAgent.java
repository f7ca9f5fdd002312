package io.authgate.forwardauth.it;

import java.lang.instrument.Instrumentation;
import java.util.regex.Pattern;

/**
 * A Java agent the tests load into a running adapter (through the JDK's attach API) to kill threads
 * from outside, the way an Error does from inside: {@link Thread#stop()} throws {@link ThreadDeath}
 * (an Error) in each thread whose name matches the agent's argument, when it next runs Java code.
 * Test code only: the adapter has no hook for this. {@code Thread.stop} works up to JDK 19; on a
 * later JDK it throws, and the test that uses this fails saying so.
 */
public final class StopThreadsAgent {
    private StopThreadsAgent() {
    }

    @SuppressWarnings({"removal", "deprecation"})
    public static void agentmain(String namePattern, Instrumentation instrumentation) {
        Pattern names = Pattern.compile(namePattern);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (names.matcher(t.getName()).matches()) {
                t.stop();
            }
        }
    }
}
