package org.linkrisk.neo4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.neo4j.cli.AdminTool;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;

/**
 * Offline bulk import of CSV files into a new database under a Launcher data dir; the same code path
 * as {@code neo4j-admin database import full}. Run it while no Launcher is using DIR, then start the
 * Launcher on DIR.
 *
 * <pre>
 * Import --data-dir DIR [--overwrite-destination] --nodes=Label=nodes.csv ... --relationships=TYPE=rels.csv ...
 * </pre>
 *
 * Every argument after {@code --data-dir DIR} goes to the importer unchanged (see {@code --help}), plus
 * two defaults unless given: {@code --max-off-heap-memory=2g} (the importer's own default is 90% of
 * RAM) and {@code --report-file=DIR/logs/import.report}. A database name may be given last (default
 * {@code neo4j}, the one the Launcher serves). Exit code: 0 on success, the importer's code otherwise.
 */
public final class Import {
    private Import() { }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !args[0].equals("--data-dir")) {
            System.err.println("usage: Import --data-dir DIR [importer options] --nodes=[Label=]FILE... "
                    + "[--relationships=[TYPE=]FILE...] [database]   (Import --data-dir DIR --help for all options)");
            System.exit(2);
        }
        Path dataDir = Path.of(args[1]).toAbsolutePath().normalize();
        List<String> rest = new ArrayList<>(Arrays.asList(args).subList(2, args.length));
        Path conf = Files.createDirectories(dataDir.resolve("conf"));
        Path logs = Files.createDirectories(dataDir.resolve("logs"));

        List<String> command = new ArrayList<>(List.of("database", "import", "full"));
        if (rest.stream().noneMatch(a -> a.startsWith("--max-off-heap-memory"))) {
            command.add("--max-off-heap-memory=2g");
        }
        if (rest.stream().noneMatch(a -> a.startsWith("--report-file"))) {
            command.add("--report-file=" + logs.resolve("import.report"));
        }
        command.addAll(rest);

        int rc;
        try (DefaultFileSystemAbstraction fs = new DefaultFileSystemAbstraction()) {
            rc = AdminTool.execute(new ExecutionContext(dataDir, conf, System.out, System.err, fs),
                    command.toArray(String[]::new));
        }
        System.out.flush();
        System.exit(rc);
    }
}
