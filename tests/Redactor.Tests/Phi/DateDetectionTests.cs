using PrivateInference.Redactor.Tests.Phi.Support;

namespace PrivateInference.Redactor.Tests.Phi;

/// <summary>
/// Issue 3 DATE: numeric, month-name and ISO dates, month and year, and month/day with date wording. Bare years,
/// ratios, fractions and machine timestamps are not dates.
/// </summary>
public sealed class DateDetectionTests
{
    private const EntityType Date = EntityType.Date;

    public static IEnumerable<TestCaseData> Cases()
    {
        // Numeric.
        yield return PhiRow.Finds("Slashed_date_with_four_digit_year_is_a_date", "DOB: «03/14/1962»", Date);
        yield return PhiRow.Finds("Slashed_date_with_two_digit_year_and_single_digit_month_is_a_date", "DOB «3/14/62»", Date);
        yield return PhiRow.Finds("Iso_date_is_a_date", "Specimen collected «2024-02-11» in clinic.", Date);
        yield return PhiRow.Finds("Date_part_of_a_date_with_seconds_is_a_date", "Specimen collected «2025-11-22» 17:08:42", Date);
        yield return PhiRow.Finds("Month_and_day_before_a_time_of_day_is_a_date", "— L. Wu, DO «06/07» 13:54", Date);
        yield return PhiRow.Finds("Month_of_year_is_a_date", "started «April of 2021», then stopped", Date);
        yield return PhiRow.Finds("Lower_case_month_between_day_and_year_is_a_date", "stayed there on «30-dec-2024».", Date);
        yield return PhiRow.Finds("Lower_case_may_before_a_day_and_year_is_a_date", "chat started «may 2, 2025» · app", Date);
        yield return PhiRow.Finds("Month_and_day_answering_a_date_question_is_a_date", "Agent: When was your last visit?\nCaller: Um, «7/28», I think.", Date);
        yield return PhiRow.Finds("Dashed_month_day_year_is_a_date", "Seen «03-14-2024» for follow-up.", Date);
        yield return PhiRow.Finds("Slashed_date_followed_by_a_clock_time_is_a_date", "Admitted «03/14/2024» at 09:30.", Date);
        yield return PhiRow.Finds("Slashed_date_at_the_end_of_a_sentence_is_a_date", "Last seen on «11/02/2023».", Date);
        yield return PhiRow.Finds("Two_slashed_dates_in_a_range_are_two_dates", "Admitted «12/01/2023» - discharged «12/05/2023».", Date, Date);

        // Month names.
        yield return PhiRow.Finds("Day_month_abbreviation_year_is_a_date", "Born «14 Mar 1962» in Ohio.", Date);
        yield return PhiRow.Finds("Dashed_day_month_abbreviation_year_is_a_date", "DOB «14-Mar-1962»", Date);
        yield return PhiRow.Finds("Month_name_ordinal_day_comma_year_is_a_date", "Seen on «March 14th, 2024» in clinic.", Date);
        yield return PhiRow.Finds("Month_abbreviation_with_full_stop_day_year_is_a_date", "Seen «Mar. 14, 2024» in clinic.", Date);
        yield return PhiRow.Finds("Month_name_day_comma_year_is_a_date", "Surgery on «September 5, 2023» was uneventful.", Date);
        yield return PhiRow.Finds("Day_full_month_name_year_is_a_date", "Discharged «14 March 2024».", Date);
        yield return PhiRow.Finds("Ordinal_day_of_month_name_is_a_date", "Her fall was on the «14th of March».", Date);
        yield return PhiRow.Finds("Month_name_and_day_without_year_after_on_is_a_date", "Stitches out on «Jan 5».", Date);
        yield return PhiRow.Finds("Lower_case_month_name_and_ordinal_in_chat_is_a_date", "my appointment was on «march 3rd» i think", Date);
        yield return PhiRow.Finds("Upper_case_month_abbreviation_date_is_a_date", "DOS: «14-MAR-2024»", Date);

        // Month and year only.
        yield return PhiRow.Finds("Month_name_and_year_is_a_date", "Last colonoscopy «March 2024».", Date);
        yield return PhiRow.Finds("Numeric_month_and_year_is_a_date", "On insulin since «03/2024».", Date);

        // Month and day with date wording.
        yield return PhiRow.Finds("Month_and_day_after_on_is_a_date", "Follow up on «3/14» with labs.", Date);
        yield return PhiRow.Finds("Month_and_day_after_date_of_service_is_a_date", "Date of service: «3/14»", Date);
    }

    public static IEnumerable<TestCaseData> Negatives()
    {
        yield return PhiRow.FindsNo("Bare_year_is_not_a_date", "Moved to the area in 2019.", Date);
        yield return PhiRow.FindsNo("Blood_pressure_is_not_a_date", "BP 120/80 sitting.", Date);
        yield return PhiRow.FindsNo("Pain_score_is_not_a_date", "Rates pain 7/10 in the left knee.", Date);
        yield return PhiRow.FindsNo("Half_tablet_is_not_a_date", "Take 1/2 tab at bedtime.", Date);
        yield return PhiRow.FindsNo("May_as_a_verb_is_not_a_date", "She may go home today.", Date);
        yield return PhiRow.FindsNo("May_as_a_verb_at_sentence_start_is_not_a_date", "May go home after lunch if stable.", Date);
        yield return PhiRow.FindsNo("March_as_a_verb_is_not_a_date", "The patients march to the gym at 10.", Date);
        yield return PhiRow.FindsNo("Iso_machine_timestamp_is_not_a_date", "2024-03-14T09:26:53Z INFO request started", Date);
        yield return PhiRow.FindsNo("Iso_timestamp_with_t_and_z_is_not_a_date", "2024-03-14T09:26:53Z request received", Date);
        yield return PhiRow.FindsNo("Month_and_day_shape_without_date_wording_is_not_a_date", "Passed 3/14 checks in the audit.", Date);
        yield return PhiRow.FindsNo("Visual_acuity_is_not_a_date", "Visual acuity 20/40 on the right.", Date);
        yield return PhiRow.FindsNo("Murmur_grade_is_not_a_date", "Grade 2/6 systolic murmur.", Date);
        yield return PhiRow.FindsNo("Clock_time_is_not_a_date", "Dose given at 09:26 by nursing.", Date);
    }

    [TestCaseSource(nameof(Cases))]
    public void Date_is_found_exactly(string marked, EntityType[] types, EntityType[] compared) =>
        PhiScanner.AssertFinds(marked, types, compared);

    [TestCaseSource(nameof(Negatives))]
    public void Not_a_date(string text, EntityType[] compared) => PhiScanner.AssertFindsNone(text, compared);
}
