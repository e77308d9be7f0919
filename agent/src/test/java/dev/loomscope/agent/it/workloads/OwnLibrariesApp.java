package dev.loomscope.agent.it.workloads;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.FixedValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static net.bytebuddy.matcher.ElementMatchers.named;

/**
 * An application with its own Byte Buddy and Jackson on the class path (whatever versions the test puts there). It
 * reports which versions it got, uses both, and runs virtual threads; every result goes to stdout as {@code key=value}.
 * <p>
 * Args: number of virtual threads to start and join.
 */
public final class OwnLibrariesApp {
    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);

        Object version = ByteBuddy.class.getPackage().getImplementationVersion();
        System.out.println("byteBuddy.version=" + version);
        System.out.println("byteBuddy.location=" + ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation());
        System.out.println("jackson.databind=" + com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION);
        System.out.println("jackson.core=" + com.fasterxml.jackson.core.json.PackageVersion.VERSION);
        System.out.println("objectMapper.location="
                + ObjectMapper.class.getProtectionDomain().getCodeSource().getLocation());

        // Byte Buddy: a subclass of Object whose toString is a fixed value.
        Class<?> generated = new ByteBuddy()
                .subclass(Object.class)
                .method(named("toString")).intercept(FixedValue.value("made by the application's Byte Buddy"))
                .make()
                .load(OwnLibrariesApp.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
                .getLoaded();
        Object instance = generated.getDeclaredConstructor().newInstance();
        System.out.println("generated.toString=" + instance);
        System.out.println("generated.superclass=" + generated.getSuperclass().getName());

        // Jackson: serialize a small map and read it back.
        ObjectMapper mapper = new ObjectMapper();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", "loom");
        map.put("answer", 42);
        map.put("primes", List.of(2, 3, 5, 7));
        String json = mapper.writeValueAsString(map);
        Map<String, Object> back = mapper.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        System.out.println("jackson.json=" + json);
        System.out.println("jackson.roundTrip=" + map.equals(back));

        // Virtual threads, each doing a Jackson round trip of its own index.
        AtomicInteger sum = new AtomicInteger();
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int index = i;
            started.add(Thread.ofVirtual().name("app-" + i).start(() -> {
                try {
                    String text = mapper.writeValueAsString(Map.of("index", index));
                    sum.addAndGet(mapper.readTree(text).get("index").asInt());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread thread : started) {
            thread.join();
        }
        System.out.println("virtualThreads=" + started.size());
        System.out.println("virtualThreads.sum=" + sum.get());
    }
}
