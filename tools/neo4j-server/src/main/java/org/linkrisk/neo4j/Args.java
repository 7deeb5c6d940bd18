package org.linkrisk.neo4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Minimal "--name value" / "--name=value" / "--flag" parsing shared by the main classes. */
final class Args {
    private Args() { }

    /** Parses {@code args}: names in {@code valued} take a value, names in {@code flags} take none. */
    static Map<String, String> parse(String[] args, List<String> valued, List<String> flags) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            String name = eq > 0 ? a.substring(0, eq) : a;
            if (!name.startsWith("--")) {
                throw new UsageException("unexpected argument: " + a);
            }
            if (!valued.contains(name) && !flags.contains(name)) {
                throw new UsageException("unknown option: " + name);
            }
            if (flags.contains(name)) {
                if (eq > 0) {
                    throw new UsageException("option takes no value: " + name);
                }
                out.put(name, "true");
            } else if (eq > 0) {
                out.put(name, a.substring(eq + 1));
            } else if (i + 1 < args.length) {
                out.put(name, args[++i]);
            } else {
                throw new UsageException("missing value for " + name);
            }
        }
        return out;
    }

    static String required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null || v.isEmpty()) {
            throw new UsageException(name + " is required");
        }
        return v;
    }

    /** Converts option {@code name} (or {@code dflt} when absent) with {@code parser}; bad values are usage errors. */
    static <T> T parse(Map<String, String> opts, String name, String dflt, Function<String, T> parser) {
        String v = opts.getOrDefault(name, dflt);
        try {
            return parser.apply(v);
        } catch (RuntimeException e) {
            throw new UsageException("bad value for " + name + ": " + v);
        }
    }

    static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }
}

/** Bad command line or environment: reported with usage, exit code 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
