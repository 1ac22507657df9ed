package org.cloudir.core.triage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.cloudir.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SampleFlagTest {

    @Test
    void booleanSampleTrueIsASample() {
        JsonNode info = Json.parse("{\"sample\":true}", "additionalInfo");

        boolean sample = SampleFlag.isSample(info);

        assertThat(sample).isTrue();
    }

    @Test
    void booleanSampleFalseIsNotASample() {
        JsonNode info = Json.parse("{\"sample\":false}", "additionalInfo");

        boolean sample = SampleFlag.isSample(info);

        assertThat(sample).isFalse();
    }

    @Test
    void textSampleTrueIsASample() {
        JsonNode info = Json.parse("{\"sample\":\"true\"}", "additionalInfo");

        boolean sample = SampleFlag.isSample(info);

        assertThat(sample).isTrue();
    }

    @Test
    void jsonStringInValueWithSampleTrueIsASample() {
        JsonNode info = Json.parse(
                "{\"value\":\"{\\\"sample\\\":true}\",\"type\":\"default\"}", "additionalInfo");

        boolean sample = SampleFlag.isSample(info);

        assertThat(sample).isTrue();
    }

    @Test
    void jsonStringInValueWithOtherKeysAndSampleTrueIsASample() {
        JsonNode info = Json.parse("{\"value\":\"{\\\"threatListName\\\":\\\"x\\\","
                + "\\\"sample\\\":true}\",\"type\":\"default\"}", "additionalInfo");

        boolean sample = SampleFlag.isSample(info);

        assertThat(sample).isTrue();
    }

    @Test
    void jsonStringInValueWithSampleFalseIsNotASample() {
        JsonNode info = Json.parse(
                "{\"value\":\"{\\\"sample\\\":false}\",\"type\":\"default\"}", "additionalInfo");

        boolean sample = SampleFlag.isSample(info);

        assertThat(sample).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{\\\"sample\\\":", "[true]", "null", "42"})
    void valueThatIsNotAJsonObjectIsNotASample(String value) {
        JsonNode info = Json.mapper().createObjectNode().put("value", value);

        boolean sample = SampleFlag.isSample(info);

        assertThat(sample).isFalse();
    }

    @Test
    void emptyAdditionalInfoIsNotASample() {
        JsonNode info = Json.parse("{}", "additionalInfo");

        boolean sample = SampleFlag.isSample(info);

        assertThat(sample).isFalse();
    }

    @Test
    void absentAdditionalInfoIsNotASample() {
        boolean missing = SampleFlag.isSample(MissingNode.getInstance());
        boolean jsonNull = SampleFlag.isSample(NullNode.getInstance());
        boolean javaNull = SampleFlag.isSample(null);

        assertThat(missing).isFalse();
        assertThat(jsonNull).isFalse();
        assertThat(javaNull).isFalse();
    }

    @Test
    void additionalInfoThatIsNotAnObjectIsNotASample() {
        JsonNode info = TextNode.valueOf("{\"sample\":true}");

        boolean sample = SampleFlag.isSample(info);

        assertThat(sample).isFalse();
    }

    @Test
    void sampleFixtureCarriesTheFlag() {
        JsonNode event = Fixtures.json(Fixtures.SAMPLE);

        boolean sample = SampleFlag.isSample(event.at("/detail/service/additionalInfo"));

        assertThat(sample).isTrue();
    }

    @Test
    void realFixtureDoesNotCarryTheFlag() {
        JsonNode event = Fixtures.json(Fixtures.BACKDOOR);

        boolean sample = SampleFlag.isSample(event.at("/detail/service/additionalInfo"));

        assertThat(sample).isFalse();
    }
}
