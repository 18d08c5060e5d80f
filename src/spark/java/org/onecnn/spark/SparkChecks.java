package org.onecnn.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsAction;
import org.onecnn.experiment.Bounds;
import org.onecnn.util.InvalidInputException;

/**
 * What can be known about {@code --spark MASTER} and {@code --cell-uri URI} before a run folder exists
 * (docs/cluster.md, "Before the run starts"): each check that fails is one line naming the option, exit 2, and
 * nothing written, instead of Spark's or Hadoop's stack traces once the run has started. Also the bound on how long
 * the driver waits for its master ({@value #TIMEOUT_PROPERTY}) and keeping Spark's log lines off standard error.
 */
final class SparkChecks {
    private SparkChecks() {
    }

    /**
     * Seconds the driver waits for the master: for a TCP connection to it before the run starts, and for the Spark
     * context and its first executor once it has started; then the run fails (resumable). A {@code spark.*} key so
     * that {@code spark-submit --conf} sets it as well as {@code -D} in {@code ONECNN_JAVA_OPTS}.
     */
    static final String TIMEOUT_PROPERTY = "spark.onecnn.connectTimeout";

    /** The default of {@value #TIMEOUT_PROPERTY}: a standalone master answers in well under a second and an executor
     * starts in seconds; a busy YARN queue or Kubernetes cluster may need it raised. */
    static final int DEFAULT_TIMEOUT_S = 120;

    /** The largest {@value #TIMEOUT_PROPERTY}: a day; 0 is no limit. */
    static final int MAX_TIMEOUT_S = 86_400;

    /** {@value #TIMEOUT_PROPERTY} in seconds (0: no limit), checked. */
    static int timeoutSeconds() {
        String v = System.getProperty(TIMEOUT_PROPERTY);
        if (v == null) {
            return DEFAULT_TIMEOUT_S;
        }
        String s = v.strip();
        if (s.endsWith("s")) {
            s = s.substring(0, s.length() - 1); // Spark writes its own times as 120s
        }
        int t;
        try {
            t = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            t = -1;
        }
        if (t < 0 || t > MAX_TIMEOUT_S) {
            throw new InvalidInputException(TIMEOUT_PROPERTY, "'" + v + "' is not a number of seconds from 0 (no "
                    + "limit) to " + MAX_TIMEOUT_S + ": give e.g. -D" + TIMEOUT_PROPERTY + "=300");
        }
        return t;
    }

    /** How host names are looked up: the system's resolver, or a test's (which sends no traffic). */
    interface Resolver {
        InetAddress resolve(String host) throws UnknownHostException;
    }

    /** How a TCP endpoint is tried: a connection within the timeout (0: none), or a test's. */
    interface Prober {
        void connect(InetSocketAddress address, int timeoutMs) throws IOException;
    }

    static final Resolver DNS = InetAddress::getByName;

    static final Prober TCP = (address, timeoutMs) -> {
        try (Socket s = new Socket()) {
            s.connect(address, timeoutMs);
        }
    };

    /** Spark's own forms (SparkMasterRegex): spaces only around the comma of local[N,F]. */
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|[0-9]+)(?:\\s*,\\s*([0-9]+))?])?");

    private static final String MASTERS = "give local[N], spark://HOST:PORT, yarn or k8s://https://HOST:PORT (see "
            + "docs/cluster.md)";

    /** Checks the master with the system's resolver and TCP; see {@link #checkMaster(String, int, Resolver, Prober)}. */
    static void checkMaster(String master, int timeoutS) {
        checkMaster(master, timeoutS, DNS, TCP);
    }

    /**
     * Refuses a master that Spark would accept but that cannot work: a {@code local[N]} beyond {@link
     * Bounds#MAX_THREADS}, Spark's internal {@code local-cluster[...]}, a {@code spark://} URL without a port, with
     * a port outside 1–65535, a host that does not resolve or a master that does not accept a TCP connection within
     * the timeout; {@code yarn}, {@code k8s://} and {@code mesos://} without their Spark modules on the class path
     * (checked by a class of each), {@code yarn} without {@code HADOOP_CONF_DIR} or {@code YARN_CONF_DIR}.
     */
    static void checkMaster(String master, int timeoutS, Resolver resolver, Prober prober) {
        if (master == null || master.isBlank()) {
            throw new InvalidInputException("--spark", "no Spark master given: " + MASTERS);
        }
        Matcher local = LOCAL.matcher(master);
        if (local.matches()) {
            if (local.group(1) != null && !local.group(1).equals("*")) {
                bounded(local.group(1), "threads", master);
            }
            if (local.group(2) != null) {
                bounded(local.group(2), "attempts per task", master);
            }
            return;
        }
        if (master.startsWith("local-cluster")) {
            throw new InvalidInputException("--spark", "'" + master + "' is Spark's own test mode (it starts workers "
                    + "from a Spark source build in SPARK_HOME), not for runs: give local[N] for this machine, or "
                    + "start a standalone master and workers (Spark's sbin/start-master.sh, sbin/start-worker.sh) and "
                    + "give spark://HOST:7077");
        }
        if (master.startsWith("spark://")) {
            List<InetSocketAddress> masters = new ArrayList<>();
            // a standalone master with standby masters is spark://HOST1:PORT1,HOST2:PORT2
            for (String hostPort : master.substring("spark://".length()).split(",", -1)) {
                masters.add(endpoint(master, hostPort, "spark", resolver));
            }
            reachable(master, masters, timeoutS, prober);
            return;
        }
        if (master.equals("yarn")) {
            requireModule(master, "org.apache.spark.deploy.yarn.YarnClusterManager", "spark-yarn");
            Map<String, String> env = System.getenv();
            // a driver that YARN started (spark-submit --deploy-mode cluster) has its configuration from YARN
            if (!"cluster".equals(System.getProperty("spark.submit.deployMode"))
                    && env.get("HADOOP_CONF_DIR") == null && env.get("YARN_CONF_DIR") == null) {
                throw new InvalidInputException("--spark", "yarn needs HADOOP_CONF_DIR or YARN_CONF_DIR set to the "
                        + "folder of the cluster's yarn-site.xml (as spark-submit does)");
            }
            return;
        }
        if (master.startsWith("k8s://")) {
            requireModule(master, "org.apache.spark.scheduler.cluster.k8s.KubernetesClusterManager", "spark-kubernetes");
            String api = master.substring("k8s://".length());
            if (!api.contains("://")) {
                api = "https://" + api; // Spark's default for the API server
            }
            URI u = uri(master, api);
            int port = u.getPort() >= 0 ? u.getPort() : "http".equals(u.getScheme()) ? 80 : 443;
            InetSocketAddress a = endpoint(master, u.getHost() + ":" + port, "k8s", resolver);
            reachable(master, List.of(a), timeoutS, prober);
            return;
        }
        if (master.startsWith("mesos://")) {
            requireModule(master, "org.apache.spark.scheduler.cluster.mesos.MesosClusterManager", "spark-mesos");
            String rest = master.substring("mesos://".length());
            if (!rest.startsWith("zk://")) {
                reachable(master, List.of(endpoint(master, rest, "mesos", resolver)), timeoutS, prober);
            }
            return;
        }
        throw new InvalidInputException("--spark", "'" + master + "' is not a Spark master: " + MASTERS);
    }

    private static void bounded(String digits, String what, String master) {
        // the digits may be more than an int holds: compare their length first
        if (digits.length() > 4 || Integer.parseInt(digits) < 1 || Integer.parseInt(digits) > Bounds.MAX_THREADS) {
            throw new InvalidInputException("--spark", "'" + master + "': " + what + " must be 1 to "
                    + Bounds.MAX_THREADS + ", got " + digits + (what.equals("threads") ? " (local[*] is every core)"
                            : ""));
        }
    }

    private static URI uri(String master, String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new InvalidInputException("--spark", "'" + master + "' is not a URL: " + e.getReason());
        }
    }

    /** HOST:PORT of a master URL, resolved; the port is required and must be 1–65535. */
    private static InetSocketAddress endpoint(String master, String hostPort, String scheme, Resolver resolver) {
        Matcher digits = Pattern.compile(".*:([0-9]+)").matcher(hostPort);
        if (digits.matches() && (digits.group(1).length() > 5 || Integer.parseInt(digits.group(1)) < 1
                || Integer.parseInt(digits.group(1)) > 65535)) {
            throw badPort(master, digits.group(1));
        }
        URI u = uri(master, scheme + "://" + hostPort);
        if (u.getHost() == null || u.getRawPath() != null && !u.getRawPath().isEmpty() || u.getQuery() != null
                || u.getUserInfo() != null) {
            throw new InvalidInputException("--spark", "'" + master + "': '" + hostPort + "' is not HOST:PORT: give "
                    + "e.g. " + scheme + "://master.example.org:" + defaultPort(scheme));
        }
        int port = u.getPort();
        if (port < 0) {
            throw new InvalidInputException("--spark", "'" + master + "' names no port: give it, e.g. " + scheme
                    + "://" + u.getHost() + ":" + defaultPort(scheme) + " (" + defaultPort(scheme) + " is the "
                    + (scheme.equals("spark") ? "standalone master's" : scheme + " master's") + " default port)");
        }
        try {
            return new InetSocketAddress(resolver.resolve(u.getHost()), port);
        } catch (UnknownHostException e) {
            throw new InvalidInputException("--spark", "'" + master + "': the host " + u.getHost() + " does not "
                    + "resolve (unknown host): check its name, or give its IP address");
        }
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("mesos") ? 5050 : scheme.equals("k8s") ? 443 : 7077;
    }

    private static InvalidInputException badPort(String master, String port) {
        return new InvalidInputException("--spark", "'" + master + "': port " + port + " is not 1 to 65535: give "
                + "the port the master listens on (7077 for a standalone master, unless it was started with another)");
    }

    /** At least one of the masters accepts a TCP connection within the timeout. */
    private static void reachable(String master, List<InetSocketAddress> masters, int timeoutS, Prober prober) {
        List<String> why = new ArrayList<>();
        for (InetSocketAddress a : masters) {
            try {
                prober.connect(a, (int) Math.min(Integer.MAX_VALUE, TimeUnit.SECONDS.toMillis(timeoutS)));
                return;
            } catch (IOException e) {
                why.add(a.getHostString() + ":" + a.getPort() + " (" + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage())
                        + (e instanceof java.net.SocketTimeoutException ? " after " + timeoutS + " s, "
                                + TIMEOUT_PROPERTY : "") + ")");
            }
        }
        throw new InvalidInputException("--spark", "cannot connect to the master " + master + ": " + String.join(
                ", ", why) + ": is the master running there, and is the port the one its log or web UI shows?");
    }

    private static void requireModule(String master, String className, String artifact) {
        try {
            Class.forName(className, false, SparkChecks.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new InvalidInputException("--spark", master.replaceFirst("://.*", "") + " needs Spark's "
                    + artifact + " module, which is not on the class path: run through spark-submit of a Spark "
                    + "distribution built with it, or set SPARK_HOME to one (docs/cluster.md)");
        }
    }

    /** File systems Hadoop has that cannot keep cells: read-only, or without a rename that replaces a file whole. */
    private static final Set<String> UNSUITABLE = Set.of("ftp", "sftp", "http", "https", "har");

    /**
     * Refuses a cell URI that cannot work, before any work: not an absolute URI of a folder; a scheme that cannot keep
     * cells or for which no Hadoop file system is on the class path (s3a:// without hadoop-aws); a file system that
     * does not answer within the timeout (an unreachable hdfs://); a path that is a file or under one, or a folder
     * that cannot be written ({@code file:///proc/...}). Checked from the driver, with its Hadoop configuration
     * ({@code spark.hadoop.*}): executors see the same URI, a shared file system or a cluster service. Returns the
     * URI without a trailing slash.
     */
    static String checkCellUri(String uri, int timeoutS) {
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            throw new InvalidInputException("--cell-uri", "'" + uri + "' is not a URI: " + e.getReason());
        }
        if (u.getScheme() == null || u.getPath() == null || u.getPath().isEmpty()) {
            throw new InvalidInputException("--cell-uri", "'" + uri + "' is not an absolute URI of a folder: give e.g. "
                    + "file:///shared/onecnn-cells, hdfs://namenode/onecnn-cells or s3a://bucket/onecnn-cells");
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (UNSUITABLE.contains(scheme)) {
            throw new InvalidInputException("--cell-uri", scheme + ":// cannot keep cells (read-only, or no rename "
                    + "that puts a cell in place whole): give a folder on file:// (a file system every executor "
                    + "mounts), hdfs:// or an object store (s3a://, gs://, abfs://)");
        }
        Configuration conf = hadoopConf(timeoutS);
        try {
            FileSystem.getFileSystemClass(scheme, conf);
        } catch (IOException | RuntimeException | LinkageError e) {
            throw new InvalidInputException("--cell-uri", "no Hadoop file system for " + scheme + ":// is on the class "
                    + "path" + (scheme.equals("s3a") ? " (s3a:// needs hadoop-aws and the AWS SDK bundle of the same "
                            + "Hadoop version: add them to SPARK_HOME/jars or spark.jars)" : "") + ": give file://, "
                    + "hdfs://, or a scheme whose file system jars the driver and executors have");
        }
        String clean = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
        CompletableFuture<String> probe = CompletableFuture.supplyAsync(() -> folderProblem(clean, conf));
        String problem;
        try {
            problem = timeoutS > 0 ? probe.get(timeoutS, TimeUnit.SECONDS) : probe.get();
        } catch (TimeoutException e) {
            probe.cancel(true);
            problem = "no answer from " + u.getScheme() + "://" + (u.getAuthority() == null ? "" : u.getAuthority())
                    + " within " + timeoutS + " s (" + TIMEOUT_PROPERTY + ")";
        } catch (ExecutionException e) {
            problem = oneLine(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvalidInputException("--cell-uri", "interrupted while checking " + uri);
        }
        if (problem != null) {
            throw new InvalidInputException("--cell-uri", "'" + uri + "': " + problem);
        }
        return clean;
    }

    /**
     * Why the folder cannot keep cells, or null: its nearest existing ancestor (or itself) must be a folder that this
     * user may write (a task creates the rest).
     */
    private static String folderProblem(String uri, Configuration conf) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
        try (FileSystem fs = FileSystem.newInstance(p.toUri(), conf)) {
            FileStatus st = null;
            for (org.apache.hadoop.fs.Path q = p; q != null && st == null; q = q.getParent()) {
                try {
                    st = fs.getFileStatus(q);
                } catch (FileNotFoundException e) {
                    // not there yet: a task creates it; look at its parent
                }
            }
            if (st == null) {
                return "no part of the path exists";
            }
            if (!st.isDirectory()) {
                return st.getPath().toUri().getPath().equals(p.toUri().getPath()) ? "is a file, not a folder: give a "
                        + "folder (it is created if it does not exist)" : st.getPath() + " is a file, not a folder";
            }
            try {
                fs.access(st.getPath(), FsAction.WRITE);
            } catch (IOException e) {
                return "cannot create folders in " + st.getPath() + " (" + oneLine(e) + "): give a folder this user "
                        + "may write";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "cannot reach it: " + oneLine(e);
        }
    }

    /**
     * The driver's Hadoop configuration for the check: Hadoop's defaults and the {@code spark.hadoop.*} system
     * properties, as Spark builds it, but with no connection retries (Hadoop's IPC client retries a refused
     * connection 10 times and a timed out one 45 times before it reports) and its connect timeout bounded.
     */
    private static Configuration hadoopConf(int timeoutS) {
        Configuration conf = new Configuration();
        for (String k : System.getProperties().stringPropertyNames()) {
            if (k.startsWith("spark.hadoop.")) {
                conf.set(k.substring("spark.hadoop.".length()), System.getProperty(k));
            }
        }
        conf.setInt("ipc.client.connect.max.retries", 0);
        conf.setInt("ipc.client.connect.max.retries.on.timeouts", 0);
        if (timeoutS > 0) {
            conf.setInt("ipc.client.connect.timeout", (int) Math.min(Integer.MAX_VALUE, timeoutS * 1000L));
        }
        return conf;
    }

    /** The first line of a throwable's message (Hadoop's and Spark's run on for lines), with its class if none. */
    static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
    }

    /** Loggers of Spark and of what it brings (Hadoop, Netty, its shaded Jetty), off unless {@code --verbose}. */
    private static final List<String> SPARK_LOGGERS = List.of("org.apache.spark", "org.sparkproject", "org.apache.hadoop",
            "io.netty", "org.eclipse.jetty", "org.apache.ivy", "org.apache.zookeeper", "org.apache.curator");

    /**
     * Keeps Spark's own log lines (WARN and ERROR with their stack traces, also of failed tasks in local mode) off
     * standard error unless {@code --verbose}: onecnn reports the failure itself in one line. With onecnn's logger
     * (slf4j-simple, first on the launcher's class path) a level per logger, read when each logger is made, so this
     * runs before anything starts Spark.
     */
    static void quietSparkLogs(boolean verbose) {
        if (verbose) {
            return;
        }
        for (String logger : SPARK_LOGGERS) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "off");
            }
        }
    }
}
