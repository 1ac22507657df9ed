package org.cloudir.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Compares each function's deployable jar with the usual single-package SAM application: one
 * shared jar holding every function and the SDK modules they use. That jar is the union of the
 * function jars' entries, so it holds exactly what the functions use together, no more.
 */
final class Sizes {
    static final double GOAL = 1.0 / 3;

    private Sizes() {
    }

    static List<Path> functionJars(Path root) throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> modules = Files.newDirectoryStream(root.resolve("functions"))) {
            for (Path module : modules) {
                Path jar = module.resolve("target").resolve(module.getFileName() + "-lambda.jar");
                if (Files.exists(jar)) {
                    jars.add(jar);
                }
            }
        }
        jars.sort(Comparator.naturalOrder());
        if (jars.isEmpty()) {
            throw new IllegalStateException("no functions/*/target/*-lambda.jar; run"
                    + " scripts/build first");
        }
        return jars;
    }

    static List<Row> measure(Path root, Path work) throws IOException {
        List<Path> jars = functionJars(root);
        Path shared = work.resolve("shared-app.jar");
        writeUnion(jars, shared);
        long sharedBytes = Files.size(shared);
        List<Row> rows = new ArrayList<>();
        for (Path jar : jars) {
            String name = jar.getFileName().toString().replace("-lambda.jar", "");
            rows.add(Row.of("size", name, Files.size(jar) / 1e6, sharedBytes / 1e6, "MB", GOAL,
                    "largest parts: " + largestParts(jar)));
        }
        return rows;
    }

    /** Writes a jar with every distinct entry of the given jars (first one wins). */
    private static void writeUnion(List<Path> jars, Path target) throws IOException {
        Set<String> seen = new HashSet<>();
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            for (Path jar : jars) {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    for (ZipEntry entry : zip.stream().toList()) {
                        if (!seen.add(entry.getName())) {
                            continue;
                        }
                        out.putNextEntry(new ZipEntry(entry.getName()));
                        try (InputStream in = zip.getInputStream(entry)) {
                            in.transferTo(out);
                        }
                        out.closeEntry();
                    }
                }
            }
        }
    }

    /** Returns the three packages (to four levels) taking most compressed bytes in a jar. */
    static String largestParts(Path jar) throws IOException {
        Map<String, Long> bytes = new HashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            zip.stream().filter(entry -> !entry.isDirectory()).forEach(entry -> {
                String[] parts = entry.getName().split("/");
                int depth = Math.min(parts.length - 1, entry.getName().startsWith(
                        "software/amazon/awssdk/services/") ? 5 : 4);
                String key = String.join("/", Arrays.copyOf(parts, Math.max(depth, 1)));
                bytes.merge(key, entry.getCompressedSize(), Long::sum);
            });
        }
        return bytes.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(3)
                .map(entry -> entry.getKey() + " " + Row.format(entry.getValue() / 1e6) + " MB")
                .collect(Collectors.joining(", "));
    }
}
