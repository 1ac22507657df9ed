package org.cloudir.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.cloudir.local.Template;

/**
 * Compares each function's deployable jar with the usual single-package SAM application: one
 * shared jar holding every function and the SDK modules they use. That jar is the union of the
 * entries of every function module template.yaml deploys (each CodeUri), so it holds exactly
 * what the functions use together, no more.
 */
final class Sizes {
    static final double GOAL = 1.0 / 3;

    private Sizes() {
    }

    /**
     * Returns each function module of template.yaml (a CodeUri is the module's folder or its
     * deployable jar) with the template's functions it deploys, in module order. Fails when a
     * module's jar has not been built, so no function can drop out of the union unnoticed.
     */
    static Map<Path, List<String>> functionJars(Path root, Template template) {
        Map<Path, List<String>> jars = new TreeMap<>();
        template.resources("AWS::Serverless::Function").forEach((logicalId, resource) -> {
            Object properties = resource.get("Properties");
            Object codeUri = properties instanceof Map<?, ?> map ? map.get("CodeUri") : null;
            if (!(codeUri instanceof String uri) || !uri.startsWith("functions/")) {
                throw new IllegalStateException("function " + logicalId + " has CodeUri "
                        + codeUri + "; the benchmark expects functions/<module>[/target/"
                        + "<module>-lambda.jar]");
            }
            String module = uri.split("/")[1];
            Path jar = root.resolve("functions").resolve(module).resolve("target")
                    .resolve(module + "-lambda.jar");
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing (CodeUri of " + logicalId
                        + "); build first: mvn -q -B package -DskipTests -pl tests/bench -am");
            }
            jars.computeIfAbsent(jar, ignored -> new ArrayList<>()).add(logicalId);
        });
        if (jars.isEmpty()) {
            throw new IllegalStateException("template.yaml declares no functions");
        }
        return jars;
    }

    static List<Row> measure(Path root, Path work) throws IOException {
        Map<Path, List<String>> jars = functionJars(root, Template.load(root));
        Path shared = work.resolve("shared-app.jar");
        writeUnion(List.copyOf(jars.keySet()), shared);
        long sharedBytes = Files.size(shared);
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<Path, List<String>> jar : jars.entrySet()) {
            String name = jar.getKey().getFileName().toString().replace("-lambda.jar", "");
            rows.add(Row.of("size", name, Files.size(jar.getKey()) / 1e6, sharedBytes / 1e6,
                    "MB", GOAL, "deploys " + String.join(", ", jar.getValue())
                            + "; largest parts: " + largestParts(jar.getKey())));
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
