package org.cloudir.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates the intrinsic functions of template.yaml for the local deployment: parameters and
 * pseudo parameters, Ref and GetAtt of resources (through the callbacks the deployment gives),
 * Sub, If, Equals and Not. Values that resolve to AWS::NoValue are dropped, as in CloudFormation.
 */
final class Resolver {
    /** Stands for AWS::NoValue while resolving; removed from lists and maps. */
    static final Object NO_VALUE = new Object();
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!]+)}");

    private final Template template;
    private final Map<String, String> parameters;
    private final Function<String, String> ref;
    private final BiFunction<String, String, String> getAtt;

    Resolver(Template template, Map<String, String> parameters, Function<String, String> ref,
            BiFunction<String, String, String> getAtt) {
        this.template = template;
        this.parameters = parameters;
        this.ref = ref;
        this.getAtt = getAtt;
    }

    Object resolve(Object value) {
        if (value instanceof Map<?, ?> raw && raw.size() == 1) {
            Map.Entry<?, ?> only = raw.entrySet().iterator().next();
            String key = String.valueOf(only.getKey());
            if (key.equals("Ref") || key.startsWith("Fn::")) {
                return intrinsic(key, only.getValue());
            }
        }
        if (value instanceof Map<?, ?> raw) {
            Map<String, Object> resolved = new LinkedHashMap<>();
            raw.forEach((key, inner) -> {
                Object result = resolve(inner);
                if (result != NO_VALUE) {
                    resolved.put(String.valueOf(key), result);
                }
            });
            return resolved;
        }
        if (value instanceof List<?> raw) {
            List<Object> resolved = new ArrayList<>();
            for (Object inner : raw) {
                Object result = resolve(inner);
                if (result != NO_VALUE) {
                    resolved.add(result);
                }
            }
            return resolved;
        }
        return value;
    }

    String resolveText(Object value) {
        return String.valueOf(resolve(value));
    }

    boolean condition(String name) {
        Object definition = template.conditions().get(name);
        if (definition == null) {
            throw new IllegalArgumentException("template.yaml has no condition " + name);
        }
        return Boolean.TRUE.equals(resolve(definition));
    }

    private Object intrinsic(String function, Object argument) {
        return switch (function) {
            case "Ref" -> reference((String) argument);
            case "Fn::GetAtt" -> {
                List<Object> parts = Template.list(argument);
                yield getAtt.apply((String) parts.get(0), (String) parts.get(1));
            }
            case "Fn::Sub" -> substitute(argument);
            case "Fn::If" -> {
                List<Object> parts = Template.list(argument);
                yield resolve(condition((String) parts.get(0)) ? parts.get(1) : parts.get(2));
            }
            case "Fn::Equals" -> {
                List<Object> parts = Template.list(argument);
                yield resolveText(parts.get(0)).equals(resolveText(parts.get(1)));
            }
            case "Fn::Not" -> !Boolean.TRUE.equals(resolve(Template.list(argument).get(0)));
            default -> throw new UnsupportedOperationException("local mode cannot evaluate "
                    + function + " in template.yaml; keep the template to Ref, Sub, GetAtt,"
                    + " If, Equals and Not");
        };
    }

    private Object reference(String name) {
        return switch (name) {
            case "AWS::NoValue" -> NO_VALUE;
            case "AWS::Region" -> LocalAws.REGION;
            case "AWS::AccountId" -> LocalAws.ACCOUNT_ID;
            case "AWS::Partition" -> "aws";
            case "AWS::StackName" -> LocalAws.STACK_NAME;
            case "AWS::URLSuffix" -> "amazonaws.com";
            default -> parameters.containsKey(name) ? parameters.get(name) : ref.apply(name);
        };
    }

    private String substitute(Object argument) {
        String text;
        Map<String, Object> variables = Map.of();
        if (argument instanceof List<?> parts) {
            text = (String) parts.get(0);
            variables = Template.map(parts.get(1));
        } else {
            text = (String) argument;
        }
        Matcher matcher = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1).trim();
            String value;
            if (variables.containsKey(name)) {
                value = resolveText(variables.get(name));
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                String[] parts = name.split("\\.", 2);
                value = getAtt.apply(parts[0], parts[1]);
            } else {
                value = String.valueOf(reference(name));
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
