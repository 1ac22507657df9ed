package org.cloudir.core.triage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads from an event what the posture playbooks act on (the bucket, the trail, the detector,
 * the security group and the permissions a call opened to everyone) into a finding's target.
 * Each value is checked against the shape of its AWS identifier, so a handler never acts on
 * text it did not expect; a call's other parameters (a whole bucket policy, say) stay out.
 */
final class Targets {
    static final String EVERY_IPV4 = "0.0.0.0/0";
    static final String EVERY_IPV6 = "::/0";
    private static final String TRAIL_RESOURCE = "AWS::CloudTrail::Trail";
    private static final Map<String, String> PROTOCOL_NAMES =
            Map.of("6", "tcp", "17", "udp", "1", "icmp", "58", "icmpv6");

    private Targets() {
    }

    /** Returns the target of a CloudTrail call, or an empty map for calls no playbook fixes. */
    static Map<String, Object> ofCall(Fields f, String eventSource) {
        Map<String, Object> target = new LinkedHashMap<>();
        switch (eventSource) {
            case "s3.amazonaws.com" -> put(target, "bucketName", f,
                    "detail.requestParameters.bucketName", Shapes.BUCKET_NAME, "an S3 bucket name");
            case "cloudtrail.amazonaws.com" -> put(target, "trailName", f,
                    "detail.requestParameters.name", Shapes.TRAIL, "a trail name or ARN");
            case "guardduty.amazonaws.com" -> put(target, "detectorId", f,
                    "detail.requestParameters.detectorId", Shapes.DETECTOR_ID, "a detector id");
            case "securityhub.amazonaws.com" -> { }
            case "ec2.amazonaws.com" -> openedIngress(f, target);
            default -> {
                return Map.of();
            }
        }
        String api = f.text("detail.eventName", Shapes.API_NAME, "an API name");
        target.put("api", api);
        if (api.equals("UpdateTrail")) {
            target.put("changedSettings", settingNames(f.optional("detail.requestParameters")));
        }
        return Map.copyOf(target);
    }

    /**
     * Returns the target of a GuardDuty finding: its bucket, the trail a call stopped, or the
     * role whose session credentials it names (an AssumedRole key: the role's sessions, not a
     * key, are what the response must cut).
     */
    static Map<String, Object> ofFinding(Fields f) {
        Map<String, Object> target = new LinkedHashMap<>();
        if ("AssumedRole".equals(f.optionalText("detail.resource.accessKeyDetails.userType"))) {
            put(target, "roleName", f, "detail.resource.accessKeyDetails.userName",
                    Shapes.USER_NAME, "an IAM role name");
        }
        if ("S3Bucket".equals(f.optionalText("detail.resource.resourceType"))) {
            put(target, "bucketName", f, "detail.resource.s3BucketDetails.0.name",
                    Shapes.BUCKET_NAME, "an S3 bucket name");
        }
        String call = "detail.service.action.awsApiCallAction";
        if ("cloudtrail.amazonaws.com".equals(f.optionalText(call + ".serviceName"))) {
            put(target, "api", f, call + ".api", Shapes.API_NAME, "an API name");
            put(target, "trailName", f, call + ".affectedResources." + TRAIL_RESOURCE,
                    Shapes.TRAIL, "a trail name or ARN");
        }
        return Map.copyOf(target);
    }

    /**
     * Records, for AuthorizeSecurityGroupIngress, the group, one entry per permission and
     * range that opens it to every address (ports, protocol, description), and the ids of the
     * ingress rules AWS created, as its response lists them.
     */
    private static void openedIngress(Fields f, Map<String, Object> target) {
        if (!"AuthorizeSecurityGroupIngress".equals(f.optionalText("detail.eventName"))) {
            return;
        }
        JsonNode created = f.optional("detail.responseElements.securityGroupRuleSet.items");
        put(target, "groupId", f, "detail.requestParameters.groupId", Shapes.SECURITY_GROUP_ID,
                "a security group id");
        if (!target.containsKey("groupId") && created.size() > 0) {
            put(target, "groupId", f,
                    "detail.responseElements.securityGroupRuleSet.items.0.groupId",
                    Shapes.SECURITY_GROUP_ID, "a security group id");
        }
        List<Map<String, Object>> opened = new ArrayList<>();
        JsonNode permissions = f.optional("detail.requestParameters.ipPermissions.items");
        for (int i = 0; i < permissions.size(); i++) {
            String path = "detail.requestParameters.ipPermissions.items." + i;
            opened.addAll(toEveryone(f, path, "ipRanges", "cidrIp", EVERY_IPV4));
            opened.addAll(toEveryone(f, path, "ipv6Ranges", "cidrIpv6", EVERY_IPV6));
        }
        target.put("openedToEveryone", List.copyOf(opened));
        List<String> ruleIds = new ArrayList<>();
        for (int i = 0; i < created.size(); i++) {
            String path = "detail.responseElements.securityGroupRuleSet.items." + i;
            if (!f.optional(path + ".isEgress").asBoolean(false)) {
                ruleIds.add(f.text(path + ".securityGroupRuleId", Shapes.SECURITY_GROUP_RULE_ID,
                        "a security group rule id"));
            }
        }
        target.put("ruleIds", List.copyOf(ruleIds));
    }

    private static List<Map<String, Object>> toEveryone(Fields f, String permission,
            String rangesField, String cidrField, String everyone) {
        List<Map<String, Object>> opened = new ArrayList<>();
        JsonNode ranges = f.optional(permission + "." + rangesField + ".items");
        for (JsonNode range : ranges) {
            if (!everyone.equals(range.path(cidrField).asText())) {
                continue;
            }
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("ipProtocol", protocol(f, permission + ".ipProtocol"));
            rule.put("fromPort", port(f, permission + ".fromPort"));
            rule.put("toPort", port(f, permission + ".toPort"));
            rule.put("cidr", everyone);
            String description = range.path("description").asText("");
            if (!description.isBlank() && description.length() <= 255) {
                rule.put("description", description);
            }
            opened.add(Map.copyOf(rule));
        }
        return opened;
    }

    private static String protocol(Fields f, String path) {
        JsonNode node = f.node(path);
        String value = node.isNumber() ? node.asText() : f.text(path).toLowerCase();
        value = PROTOCOL_NAMES.getOrDefault(value, value);
        if (!Shapes.IP_PROTOCOL.matcher(value).matches()) {
            throw f.invalid(path, "an IP protocol name or number");
        }
        return value;
    }

    /** Returns a port, or -1 where the call gives none (all traffic, ICMP). */
    private static int port(Fields f, String path) {
        JsonNode node = f.optional(path);
        if (node.isMissingNode() || node.isNull()) {
            return -1;
        }
        if (!node.canConvertToInt() || node.asInt() < -1 || node.asInt() > 65535) {
            throw f.invalid(path, "a port from -1 to 65535");
        }
        return node.asInt();
    }

    /** Returns the names (never the values) of the settings an UpdateTrail call set. */
    private static List<String> settingNames(JsonNode parameters) {
        List<String> names = new ArrayList<>();
        parameters.fieldNames().forEachRemaining(name -> {
            if (!name.equals("name") && Shapes.API_NAME.matcher(name).matches()) {
                names.add(name);
            }
        });
        return List.copyOf(names);
    }

    private static void put(Map<String, Object> target, String key, Fields f, String path,
            Pattern shape, String shapeName) {
        if (f.optionalText(path) != null) {
            target.put(key, f.text(path, shape, shapeName));
        }
    }
}
