package org.cloudir.core.triage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.cloudir.core.Json;
import org.junit.jupiter.api.Test;

class EventPatternsTest {
    private static JsonNode json(String text) {
        return Json.parse(text, "test");
    }

    @Test
    void fieldInsideArraysOfObjectsMatchesAnyElement() {
        JsonNode pattern = json("{\"a\": {\"items\": {\"cidr\": [\"0.0.0.0/0\"]}}}");
        JsonNode event = json("{\"a\": {\"items\": [{\"cidr\": \"10.0.0.0/8\"},"
                + " {\"cidr\": \"0.0.0.0/0\"}]}}");

        assertThat(EventPatterns.matches(pattern, event)).isTrue();
    }

    @Test
    void existsFalseMatchesOnlyAbsentFields() {
        JsonNode pattern = json("{\"errorCode\": [{\"exists\": false}]}");

        assertThat(EventPatterns.matches(pattern, json("{}"))).isTrue();
        assertThat(EventPatterns.matches(pattern, json("{\"errorCode\": \"Denied\"}")))
                .isFalse();
    }

    @Test
    void wildcardAndPrefixAndNumericFit() {
        JsonNode pattern = json("{\"type\": [{\"wildcard\": \"Backdoor:EC2/*\"}],"
                + " \"arn\": [{\"prefix\": \"arn:aws:iam::aws:\"}],"
                + " \"severity\": [{\"numeric\": [\">=\", 5]}]}");

        assertThat(EventPatterns.matches(pattern, json("{\"type\": \"Backdoor:EC2/C&C\","
                + " \"arn\": \"arn:aws:iam::aws:policy/X\", \"severity\": 5}"))).isTrue();
        assertThat(EventPatterns.matches(pattern, json("{\"type\": \"Backdoor:EC2/C&C\","
                + " \"arn\": \"arn:aws:iam::aws:policy/X\", \"severity\": 4.9}"))).isFalse();
    }

    @Test
    void orNeedsOneAlternative() {
        JsonNode pattern = json("{\"$or\": [{\"a\": [\"x\"]}, {\"b\": [\"y\"]}]}");

        assertThat(EventPatterns.matches(pattern, json("{\"b\": \"y\"}"))).isTrue();
        assertThat(EventPatterns.matches(pattern, json("{\"a\": \"y\"}"))).isFalse();
    }

    @Test
    void wildcardTreatsOtherCharactersLiterally() {
        assertThat(EventPatterns.wildcard("CryptoCurrency:EC2/BitcoinTool.B!DNS")
                .matcher("CryptoCurrency:EC2/BitcoinToolXB!DNS").matches()).isFalse();
    }
}
