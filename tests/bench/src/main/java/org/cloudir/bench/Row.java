package org.cloudir.bench;

/**
 * Holds one line of the benchmark table: a ratio with the two raw figures it divides.
 *
 * @param measure what is compared, e.g. "cold start"
 * @param subject the function, action or configuration measured
 * @param ratio measured divided by baseline
 * @param measured the measured figure with its unit
 * @param baseline the baseline figure with its unit
 * @param goal the goal as text, e.g. "<= 1.2", or "" when there is none
 * @param met whether the goal is met, or null when there is none
 * @param note how the figures were taken, noise, where the time or bytes go
 */
public record Row(String measure, String subject, double ratio, String measured,
        String baseline, String goal, Boolean met, String note) {

    static Row of(String measure, String subject, double measured, double baseline,
            String unit, double goalAtMost, String note) {
        double ratio = measured / baseline;
        return new Row(measure, subject, ratio, format(measured) + " " + unit,
                format(baseline) + " " + unit, goalAtMost > 0 ? "<= " + format(goalAtMost) : "",
                goalAtMost > 0 ? ratio <= goalAtMost : null, note);
    }

    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format("%,d", (long) value);
        }
        return Math.abs(value) >= 100 ? String.format("%,.0f", value)
                : String.format("%.3g", value);
    }
}
