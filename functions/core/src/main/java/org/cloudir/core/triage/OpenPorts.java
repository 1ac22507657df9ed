package org.cloudir.core.triage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Reads an AuthorizeSecurityGroupIngress call as CloudTrail records it and tells whether one
 * permission opens a given port to every IPv4 or IPv6 address. The rule's pattern can only say
 * "some range is 0.0.0.0/0"; EventBridge cannot tie that range to the same permission's ports.
 */
final class OpenPorts {
    private OpenPorts() {
    }

    static boolean opensToEveryone(JsonNode detail, List<Integer> ports) {
        for (JsonNode permission : detail.at("/requestParameters/ipPermissions/items")) {
            if (toEveryone(permission) && coversAny(permission, ports)) {
                return true;
            }
        }
        return false;
    }

    private static boolean toEveryone(JsonNode permission) {
        for (JsonNode range : permission.at("/ipRanges/items")) {
            if ("0.0.0.0/0".equals(range.path("cidrIp").asText())) {
                return true;
            }
        }
        for (JsonNode range : permission.at("/ipv6Ranges/items")) {
            if ("::/0".equals(range.path("cidrIpv6").asText())) {
                return true;
            }
        }
        return false;
    }

    private static boolean coversAny(JsonNode permission, List<Integer> ports) {
        String protocol = permission.path("ipProtocol").asText();
        if (protocol.equals("-1")) {
            return true;
        }
        if (!List.of("tcp", "udp", "6", "17").contains(protocol)) {
            return false;
        }
        int from = permission.path("fromPort").asInt(-1);
        int to = permission.path("toPort").asInt(-1);
        return ports.stream().anyMatch(port -> from <= port && port <= to);
    }
}
