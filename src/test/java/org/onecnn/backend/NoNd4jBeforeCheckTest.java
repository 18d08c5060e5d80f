package org.onecnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

/**
 * The contract of the package: probing, checking and {@code onecnn doctor} for a profile that cannot run
 * never touch ND4J, so a refused profile can never end in a native crash. Runs them in a fresh class
 * loader that defines onecnn's classes itself and records every class they ask for.
 */
class NoNd4jBeforeCheckTest {
    /** Defines {@code org.onecnn.*} itself (child first) and records every class name requested through it. */
    static final class Recording extends URLClassLoader {
        final Set<String> requested = ConcurrentHashMap.newKeySet();

        Recording(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            requested.add(name);
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && name.startsWith("org.onecnn.")) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        // not ours: the parent's
                    }
                }
                if (c == null) {
                    return super.loadClass(name, resolve);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }

        List<String> nativeSide() {
            return requested.stream().filter(n -> n.startsWith("org.nd4j.") || n.startsWith("org.bytedeco.")
                    || n.startsWith("org.deeplearning4j.")).sorted().toList();
        }
    }

    /** What runs inside the fresh loader: real profiles, the real probe, the check, the doctor. */
    public static final class Scenario implements Callable<Map<String, Object>> {
        @Override
        public Map<String, Object> call() throws Exception {
            Map<String, Object> r = new LinkedHashMap<>();
            BackendInfo real = new SystemDeviceProbe().probe();
            r.put("build", real.build().name());
            for (String n : ComputeProfile.SHIPPED) {
                ComputeProfile p = ComputeProfile.load(n);
                r.put("check " + n, BackendCheck.problem(p, real).orElse("ready"));
                p.studentChunk(10_000, 25, 6, 1000);
            }
            try {
                BackendCheck.requireTrainable("--profile", ComputeProfile.load("cuda-ampere"), TestDevices.cudaBuild(TestDevices.h100(0)));
                r.put("hopper", "ready?!");
            } catch (IllegalArgumentException e) {
                r.put("hopper", e.getMessage());
            }
            PrintStream out = System.out;
            PrintStream err = System.err;
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            Class<?> main = Class.forName("org.onecnn.cli.Main");
            Method execute = main.getMethod("execute", String[].class);
            Method useProbe = Class.forName("org.onecnn.cli.DoctorCommand").getDeclaredMethod("useProbe",
                    DeviceProbe.class);
            useProbe.setAccessible(true);
            try {
                System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
                r.put("doctor real cuda-ampere", execute.invoke(null, (Object) new String[] {"doctor", "--profile",
                    "cuda-ampere"}));
                DeviceProbe old = (DeviceProbe) useProbe.invoke(null, (DeviceProbe) () -> TestDevices.cudaBuild(
                        TestDevices.h100(0)));
                r.put("doctor h100", execute.invoke(null, (Object) new String[] {"doctor", "--profile", "cuda-ampere"}));
                useProbe.invoke(null, (DeviceProbe) TestDevices::cudaBuild);
                r.put("doctor cpu on cuda build", execute.invoke(null, (Object) new String[] {"doctor"}));
                useProbe.invoke(null, old);
            } finally {
                System.setOut(out);
                System.setErr(err);
            }
            r.put("output", buf.toString(StandardCharsets.UTF_8));
            return r;
        }
    }

    private static URL location(Class<?> c) {
        return c.getProtectionDomain().getCodeSource().getLocation();
    }

    @SuppressWarnings("unchecked")
    @Test
    void probeCheckAndARefusingDoctorLoadNoNd4jClass() throws Exception {
        URL[] urls = {location(ComputeProfile.class), location(NoNd4jBeforeCheckTest.class)};
        Map<String, Object> r;
        List<String> touched;
        try (Recording loader = new Recording(urls, getClass().getClassLoader())) {
            Class<?> s = loader.loadClass(Scenario.class.getName());
            assertTrue(s.getClassLoader() == loader, "the scenario runs in the fresh loader");
            r = ((Callable<Map<String, Object>>) s.getDeclaredConstructor().newInstance()).call();
            touched = loader.nativeSide();
            assertTrue(loader.requested.contains("org.onecnn.backend.BackendCheck"), "the recorder sees requests");
        }
        assertEquals(List.of(), touched, "no ND4J/JavaCPP/DL4J class may be requested before the check passes; "
                + "results: " + r);
        String hopper = (String) r.get("hopper");
        assertTrue(hopper.startsWith("--profile: GPU 0 (NVIDIA H100 80GB HBM3) has compute capability 9.0"), hopper);
        assertEquals(2, r.get("doctor h100"), String.valueOf(r.get("output")));
        // the cpu profile names no engine: the default, fused, needs no ND4J backend and loads none (checked below)
        assertEquals(0, r.get("doctor cpu on cuda build"), String.valueOf(r.get("output")));
        int realExit = (Integer) r.get("doctor real cuda-ampere");
        assertTrue(realExit == 0 || realExit == 2, String.valueOf(r.get("output")));
        if ("CPU".equals(r.get("build"))) {
            assertEquals(2, realExit, "a CPU-only build refuses a CUDA profile: " + r.get("output"));
            assertTrue(((String) r.get("check cuda-ampere")).contains("this build is CPU-only"));
        }
    }

    @Test
    void theRecorderWouldSeeNd4j() throws Exception {
        URL[] urls = {location(ComputeProfile.class)};
        try (Recording loader = new Recording(urls, getClass().getClassLoader())) {
            Class<?> c = Class.forName("org.onecnn.empirical.layers.EnsembleNetwork", false, loader);
            List<String> sigs = new ArrayList<>();
            for (Method m : c.getDeclaredMethods()) {
                sigs.add(m.getName());
            }
            assertTrue(!sigs.isEmpty());
            assertTrue(loader.nativeSide().contains("org.nd4j.linalg.api.ndarray.INDArray"), loader.nativeSide()
                    .toString());
        }
    }
}
