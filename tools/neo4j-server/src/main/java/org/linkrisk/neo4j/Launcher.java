package org.linkrisk.neo4j;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.neo4j.cli.AdminTool;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.kernel.api.connectioninfo.ClientConnectionInfo;
import org.neo4j.internal.kernel.api.security.AuthenticationResult;
import org.neo4j.io.ByteUnit;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.kernel.api.security.AuthManager;
import org.neo4j.kernel.api.security.AuthToken;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.internal.Version;
import sun.misc.Signal;

/**
 * Runs an embedded Neo4j community DBMS with Bolt on 127.0.0.1 for tests.
 *
 * <pre>
 * Launcher --data-dir DIR [--port N] [--page-cache 512m] [--tx-memory SIZE] [--stop-on-stdin-eof]
 * env: NEO4J_PASSWORD (required, >= 8 chars), NEO4J_USER (default neo4j)
 * </pre>
 *
 * stdout carries exactly one line, {@code NEO4J_READY {...json...}}; everything else goes to stderr
 * or to DIR/logs. SIGTERM/SIGINT (or stdin EOF with --stop-on-stdin-eof) stop the DBMS cleanly, exit 0.
 */
public final class Launcher {
    private static final long START_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(5);

    private static DatabaseManagementService dbms;
    private static boolean stopped;

    public static void main(String[] args) throws Exception {
        PrintStream stdout = System.out;
        System.setOut(System.err); // keep stdout for the READY line only
        try {
            run(args, stdout);
        } catch (UsageException e) {
            System.err.println("neo4j-server: " + e.getMessage());
            System.err.println("usage: Launcher --data-dir DIR [--port N] [--page-cache SIZE] [--tx-memory SIZE]"
                    + " [--stop-on-stdin-eof]   (env NEO4J_PASSWORD required, NEO4J_USER default neo4j)");
            System.exit(2);
        } catch (Throwable e) {
            System.err.println("neo4j-server: failed: " + e);
            e.printStackTrace();
            stop();
            System.exit(1);
        }
    }

    private static void run(String[] args, PrintStream stdout) throws Exception {
        Map<String, String> opts = Args.parse(args,
                List.of("--data-dir", "--port", "--page-cache", "--tx-memory"), List.of("--stop-on-stdin-eof"));
        boolean watchStdin = opts.containsKey("--stop-on-stdin-eof");
        Path dataDir = Path.of(Args.required(opts, "--data-dir")).toAbsolutePath().normalize();
        int port = Args.parse(opts, "--port", "0", Integer::parseInt);
        long pageCache = Args.parse(opts, "--page-cache", "512m", ByteUnit::parse);
        String user = envOr("NEO4J_USER", "neo4j");
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            throw new UsageException("NEO4J_PASSWORD must be set and at least 8 characters long");
        }
        if (port == 0) {
            port = freeLoopbackPort();
        }
        Files.createDirectories(dataDir);

        SocketAddress bolt = new SocketAddress("127.0.0.1", port);
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(dataDir)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // Bolt's netty groups otherwise wait a 5 s quiet period each on shutdown
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0);
        if (opts.containsKey("--tx-memory")) {
            builder.setConfig(GraphDatabaseSettings.memory_transaction_global_max_size,
                    Args.parse(opts, "--tx-memory", null, ByteUnit::parse));
        }

        CountDownLatch stopRequested = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stopRequested.countDown());
        Signal.handle(new Signal("INT"), s -> stopRequested.countDown());
        Runtime.getRuntime().addShutdownHook(new Thread(Launcher::stop, "neo4j-shutdown"));

        long t0 = System.nanoTime();
        setInitialPassword(dataDir, password);
        synchronized (Launcher.class) {
            dbms = builder.build();
        }
        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(START_TIMEOUT_MS)) {
            throw new IllegalStateException("database 'neo4j' not available after " + START_TIMEOUT_MS + " ms");
        }
        long t1 = System.nanoTime();
        configureAuth(dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), user, password);
        System.err.printf("neo4j-server: DBMS started in %d ms, auth set in %d ms, logs in %s%n",
                TimeUnit.NANOSECONDS.toMillis(t1 - t0), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1),
                dataDir.resolve("logs"));
        if (stopRequested.getCount() == 0) { // signalled while starting: stop without announcing READY
            stop();
            System.exit(0);
        }

        stdout.println("NEO4J_READY {\"bolt\":\"bolt://127.0.0.1:" + port + "\",\"version\":\""
                + Version.getNeo4jVersion() + "\",\"data_dir\":" + Args.jsonString(dataDir.toString()) + "}");
        stdout.flush();

        if (watchStdin) {
            Thread t = new Thread(() -> {
                try {
                    while (System.in.read() != -1) { /* ignore input */ }
                } catch (IOException ignored) { }
                stopRequested.countDown();
            }, "stdin-watch");
            t.setDaemon(true);
            t.start();
        }
        stopRequested.await();
        stop();
        System.exit(0);
    }

    /**
     * First start of a fresh data dir: writes data/dbms/auth.ini the way {@code neo4j-admin dbms
     * set-initial-password} does, so the built-in {@code neo4j} user is created with the password
     * and without "change required" when the system database is initialised.
     */
    private static void setInitialPassword(Path dataDir, String password) throws IOException {
        if (Files.exists(dataDir.resolve("data/databases/system"))) {
            return;
        }
        Path conf = Files.createDirectories(dataDir.resolve("conf"));
        int rc;
        try (DefaultFileSystemAbstraction fs = new DefaultFileSystemAbstraction()) {
            rc = AdminTool.execute(new ExecutionContext(dataDir, conf, System.err, System.err, fs),
                    "dbms", "set-initial-password", password);
        }
        if (rc != 0) {
            throw new IllegalStateException("set-initial-password failed with exit code " + rc);
        }
    }

    /**
     * Makes NEO4J_USER/NEO4J_PASSWORD valid on every start (the environment is authoritative). When
     * the credentials already work nothing is executed; otherwise the user is created or its password
     * changed through the system database. A custom user also sets the built-in {@code neo4j} user's
     * password, so no account keeps the well-known initial password.
     */
    private static void configureAuth(GraphDatabaseService system, String user, String password)
            throws Exception {
        AuthManager auth = ((GraphDatabaseAPI) system).getDependencyResolver().resolveDependency(AuthManager.class);
        if (auth.login(AuthToken.newBasicAuthToken(user, password), ClientConnectionInfo.EMBEDDED_CONNECTION)
                .subject().getAuthenticationResult() == AuthenticationResult.SUCCESS) {
            return;
        }
        Map<String, Object> params = Map.of("user", user, "pw", password);
        system.executeTransactionally("CREATE USER $user IF NOT EXISTS SET PASSWORD $pw CHANGE NOT REQUIRED", params);
        for (String u : user.equals("neo4j") ? new String[] {user} : new String[] {user, "neo4j"}) {
            try {
                system.executeTransactionally("ALTER USER $user IF EXISTS SET PASSWORD $pw CHANGE NOT REQUIRED",
                        Map.of("user", u, "pw", password));
            } catch (RuntimeException e) {
                // "Old password and new password cannot be the same." means it is already set
                if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                    throw e;
                }
            }
        }
    }

    /** Idempotent: shuts the DBMS down once, from the main thread or the shutdown hook. */
    private static synchronized void stop() {
        if (stopped || dbms == null) {
            return;
        }
        stopped = true;
        long t0 = System.nanoTime();
        dbms.shutdown();
        System.err.printf("NEO4J_STOPPED (%d ms)%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        System.err.flush();
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static String envOr(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? dflt : v;
    }
}
