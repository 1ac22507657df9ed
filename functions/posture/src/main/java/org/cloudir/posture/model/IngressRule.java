package org.cloudir.posture.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Describes one ingress rule of a security group with one address range: what a call opened,
 * what revoke-open-ingress removed, and what its undo authorizes again.
 *
 * @param ruleId the security group rule id (sgr-...), when known
 * @param ipProtocol "tcp", "udp", "icmp", "icmpv6", "-1" for all, or a protocol number
 * @param fromPort the first port, -1 for all traffic
 * @param toPort the last port, -1 for all traffic
 * @param cidr the IPv4 or IPv6 range, e.g. "0.0.0.0/0" or "::/0"
 * @param description the rule's description, when it has one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IngressRule(String ruleId, String ipProtocol, int fromPort, int toPort,
        String cidr, String description) {
    private static final Pattern PROTOCOL = Pattern.compile("-1|[a-z0-9]{1,10}");
    private static final Map<String, String> PROTOCOL_NAMES =
            Map.of("6", "tcp", "17", "udp", "1", "icmp", "58", "icmpv6");

    public IngressRule {
        ipProtocol = ipProtocol == null ? null
                : PROTOCOL_NAMES.getOrDefault(ipProtocol.toLowerCase(), ipProtocol.toLowerCase());
    }

    /** Returns this rule after checking its values, or throws IllegalArgumentException. */
    public IngressRule checked() {
        if (ipProtocol == null || !PROTOCOL.matcher(ipProtocol).matches()) {
            throw new IllegalArgumentException("ipProtocol '" + ipProtocol + "' is no protocol");
        }
        if (fromPort < -1 || fromPort > 65535 || toPort < -1 || toPort > 65535) {
            throw new IllegalArgumentException("ports " + fromPort + "-" + toPort
                    + " are outside -1 to 65535");
        }
        if (!isEveryone()) {
            throw new IllegalArgumentException("cidr '" + cidr + "' is not 0.0.0.0/0 or ::/0");
        }
        return this;
    }

    /** Returns true when the range is every IPv4 or every IPv6 address. */
    public boolean isEveryone() {
        return "0.0.0.0/0".equals(cidr) || "::/0".equals(cidr);
    }

    public boolean isIpv6() {
        return cidr != null && cidr.contains(":");
    }

    /** Returns true when the rule lets in traffic to any of the ports. */
    public boolean coversAny(List<Integer> ports) {
        if ("-1".equals(ipProtocol)) {
            return true;
        }
        if (!"tcp".equals(ipProtocol) && !"udp".equals(ipProtocol)) {
            return false;
        }
        return ports.stream().anyMatch(port -> fromPort <= port && port <= toPort);
    }

    /** Returns true when both rules allow the same protocol, ports and range. */
    public boolean sameAccessAs(IngressRule other) {
        boolean allTraffic = "-1".equals(ipProtocol);
        return ipProtocol.equals(other.ipProtocol) && cidr.equals(other.cidr)
                && (allTraffic || fromPort == other.fromPort && toPort == other.toPort);
    }

    /** Returns the rule as the plain map an ActionResult's details hold. */
    public Map<String, Object> toDetails() {
        Map<String, Object> details = new LinkedHashMap<>();
        if (ruleId != null) {
            details.put("ruleId", ruleId);
        }
        details.put("ipProtocol", ipProtocol);
        details.put("fromPort", fromPort);
        details.put("toPort", toPort);
        details.put("cidr", cidr);
        if (description != null) {
            details.put("description", description);
        }
        return details;
    }

    /** Returns the rule in words, e.g. "tcp 22-22 from 0.0.0.0/0 (sgr-0abc)". */
    public String describe() {
        String ports = "-1".equals(ipProtocol) ? "all traffic" : ipProtocol + " " + fromPort
                + "-" + toPort;
        return ports + " from " + cidr + (ruleId != null ? " (" + ruleId + ")" : "");
    }
}
