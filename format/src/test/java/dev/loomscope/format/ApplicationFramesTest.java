package dev.loomscope.format;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApplicationFramesTest {

    @Test
    void jdkTestFrameworkAndLoomscopeFramesAreNotTheApplications() {
        for (String frame : List.of("java.util.concurrent.locks.LockSupport.unpark(LockSupport.java:179)",
                "java.lang.Thread.run(Thread.java:1474)",
                "java.util.concurrent.DelayScheduler$1.compute(DelayScheduler.java:210)",
                "jdk.internal.misc.Unsafe.park(Native Method)", "sun.nio.ch.Poller.poll(Poller.java:363)",
                "com.sun.net.httpserver.HttpServer.start(HttpServer.java:10)",
                "javax.net.ssl.SSLSocket.startHandshake(SSLSocket.java:20)",
                "org.junit.jupiter.engine.execution.MethodInvocation.proceed(MethodInvocation.java:60)",
                "dev.loomscope.junit.LoomscopeExtension.afterTestExecution(LoomscopeExtension.java:70)",
                "dev.loomscope.agent.shaded.format.DumpJsonWriter.write(DumpJsonWriter.java:1)",
                "dev.loomscope.bootstrap.Recorder.blockBegin(Recorder.java:88)",
                "(other sites: more than 8192 distinct stacks)")) {
            assertFalse(ApplicationFrames.isApplication(frame), frame);
        }
    }

    @Test
    void everythingElseIsTheApplications() {
        for (String frame : List.of("com.acme.FraudCheck.score(FraudCheck.java:42)",
                "com.acme.Orders$1.lambda$run$0(Orders.java:7)", "javafx.Foo.bar(Foo.java:1)",
                "dev.loomscope.examples.Checkout.run(Checkout.java:12)", "Main.main(Main.java:3)",
                "org.springframework.web.Handler.handle(Unknown Source)")) {
            assertTrue(ApplicationFrames.isApplication(frame), frame);
        }
    }

    @Test
    void jdkFramesAreTheJdksOnly() {
        assertTrue(ApplicationFrames.isJdk("java.util.concurrent.DelayScheduler$1.compute(DelayScheduler.java:210)"));
        assertTrue(ApplicationFrames.isJdk("sun.nio.ch.Poller.poll(Poller.java:363)"));
        assertFalse(ApplicationFrames.isJdk("org.junit.jupiter.engine.Foo.bar(Foo.java:1)"));
        assertFalse(ApplicationFrames.isJdk("dev.loomscope.bootstrap.Recorder.blockBegin(Recorder.java:88)"));
        assertFalse(ApplicationFrames.isJdk("javafx.Foo.bar(Foo.java:1)"));
        assertFalse(ApplicationFrames.isJdk("(other sites: more than 8192 distinct stacks)"));
    }

    @Test
    void theHeadlineIsTheInnermostApplicationFrameAndItsApplicationCallers() {
        List<String> stack = List.of("java.util.concurrent.locks.LockSupport.unpark(LockSupport.java:179)",
                "java.util.concurrent.LinkedBlockingQueue.put(LinkedBlockingQueue.java:360)",
                "com.acme.Orders.publish(Orders.java:21)", "java.util.ArrayList.forEach(ArrayList.java:1604)",
                "com.acme.Checkout.run(Checkout.java:9)", "com.acme.Server.handle(Server.java:97)",
                "java.lang.VirtualThread.run(VirtualThread.java:466)");
        assertEquals("com.acme.Orders.publish(Orders.java:21) <- com.acme.Checkout.run(Checkout.java:9)",
                ApplicationFrames.headline(stack, 1));
        assertEquals(List.of("com.acme.Orders.publish(Orders.java:21)"), ApplicationFrames.innermost(stack, 0));
        assertNull(ApplicationFrames.headline(List.of("java.lang.Thread.run(Thread.java:1474)"), 2));
        assertNull(ApplicationFrames.headline(null, 2));
    }
}
