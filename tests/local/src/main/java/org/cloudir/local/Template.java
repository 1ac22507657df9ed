package org.cloudir.local;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads template.yaml, the single source of every local resource. CloudFormation's short-form
 * tags are turned into their long forms ({@code !Ref x} becomes {@code {"Ref": "x"}}), exactly
 * as CloudFormation itself reads them.
 */
public final class Template {
    private final Path root;
    private final Map<String, Object> document;

    private Template(Path root, Map<String, Object> document) {
        this.root = root;
        this.document = document;
    }

    /** Loads {@code template.yaml} from the repository root. */
    public static Template load(Path repositoryRoot) {
        Path file = repositoryRoot.resolve("template.yaml");
        try (Reader reader = Files.newBufferedReader(file)) {
            Map<String, Object> document = new Yaml(new IntrinsicConstructor()).load(reader);
            return new Template(repositoryRoot, document);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    public Path root() {
        return root;
    }

    public Map<String, Object> parameters() {
        return section("Parameters");
    }

    public Map<String, Object> conditions() {
        return section("Conditions");
    }

    public Map<String, Object> globalFunction() {
        return map(section("Globals").get("Function"));
    }

    /** Returns the resources of one type, by logical id, in template order. */
    public Map<String, Map<String, Object>> resources(String type) {
        return section("Resources").entrySet().stream()
                .filter(entry -> type.equals(map(entry.getValue()).get("Type")))
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> map(entry.getValue()),
                        (a, b) -> a, LinkedHashMap::new));
    }

    public Map<String, Object> resource(String logicalId) {
        Object resource = section("Resources").get(logicalId);
        if (resource == null) {
            throw new IllegalArgumentException("template.yaml has no resource " + logicalId);
        }
        return map(resource);
    }

    /**
     * Returns a resource's type. SAM adds an execution role named {@code <function>Role} to
     * every function that declares no role of its own; that implicit resource is an IAM role.
     */
    public String typeOf(String logicalId) {
        if (!section("Resources").containsKey(logicalId) && logicalId.endsWith("Role")) {
            String function = logicalId.substring(0, logicalId.length() - "Role".length());
            Object declared = section("Resources").get(function);
            if (declared != null && "AWS::Serverless::Function".equals(map(declared).get("Type"))
                    && !map(map(declared).get("Properties")).containsKey("Role")) {
                return "AWS::IAM::Role";
            }
        }
        return (String) resource(logicalId).get("Type");
    }

    private Map<String, Object> section(String name) {
        return map(document.getOrDefault(name, Map.of()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }

    /** Builds long-form intrinsic functions from the short-form YAML tags. */
    private static final class IntrinsicConstructor extends SafeConstructor {
        IntrinsicConstructor() {
            super(new LoaderOptions());
            for (String name : List.of("Ref", "Sub", "GetAtt", "If", "Equals", "Not", "And",
                    "Or", "Join", "Select", "Split", "FindInMap", "Condition", "Base64",
                    "GetAZs", "ImportValue")) {
                yamlConstructors.put(new Tag("!" + name), new Intrinsic(name));
            }
        }

        private final class Intrinsic extends AbstractConstruct {
            private final String name;

            Intrinsic(String name) {
                this.name = name;
            }

            @Override
            public Object construct(Node node) {
                String key = name.equals("Ref") || name.equals("Condition") ? name : "Fn::" + name;
                Object value;
                if (node instanceof ScalarNode scalar) {
                    value = name.equals("GetAtt")
                            ? List.of(scalar.getValue().split("\\.", 2))
                            : scalar.getValue();
                } else if (node instanceof SequenceNode sequence) {
                    value = constructSequence(sequence);
                } else {
                    value = constructMapping((MappingNode) node);
                }
                return Map.of(key, value);
            }
        }
    }
}
