using PrivateInference.Redactor.Tests.Phi.Support;

namespace PrivateInference.Redactor.Tests.Phi;

/// <summary>
/// Issue 3 PERSON: patients, relatives, clinicians, cardholders and agents. Titles and credential suffixes are
/// outside the span; common words are names only in context; eponyms, drugs and headings are not names.
/// </summary>
public sealed class PersonDetectionTests
{
    private const EntityType Person = EntityType.Person;

    public static IEnumerable<TestCaseData> Cases()
    {
        // Titles are not part of the span.
        yield return PhiRow.Finds("Name_after_dr_title_excludes_the_title", "Seen today by Dr. «Priya Patel» in clinic.", Person);
        yield return PhiRow.Finds("Name_after_dr_title_without_a_full_stop_excludes_the_title", "Seen today by Dr «Priya Patel» in clinic.", Person);
        yield return PhiRow.Finds("Name_after_mr_title_excludes_the_title", "Mr. «John Smith» arrived for his appointment.", Person);
        yield return PhiRow.Finds("Name_after_mrs_title_excludes_the_title", "Mrs. «Linda Carter» called about her results.", Person);
        yield return PhiRow.Finds("Name_after_ms_title_excludes_the_title", "Ms. «Emily Park» reports less pain.", Person);
        yield return PhiRow.Finds("Name_after_prof_title_excludes_the_title", "Reviewed with Prof. «Henrik Lindqvist» on rounds.", Person);
        yield return PhiRow.Finds("Surname_alone_after_dr_title_is_a_person", "Discussed with Dr. «Okafor» by phone.", Person);
        yield return PhiRow.Finds("Surname_after_dear_ms_is_the_surname_only", "Dear Ms. «Nguyen»,\nThank you for your letter.", Person);

        // Names without a title, found from context.
        yield return PhiRow.Finds("Name_after_pt_abbreviation_is_a_person", "pt «Maria Garcia» seen in clinic today", Person);
        yield return PhiRow.Finds("Initial_and_surname_after_requested_by_is_a_person", "Requested by «A. Smith» on 5/13", Person);
        yield return PhiRow.Finds("Unknown_surname_before_a_given_name_is_last_first", "Results sent to «Ngata, Robert» by fax", Person);
        yield return PhiRow.Finds("Unknown_lower_case_name_after_hi_there_is_a_person", "support: Hi there, «kofi» here. What's going on?", Person);
        yield return PhiRow.Finds("Name_before_possessive_chart_is_a_person", "Please scan the fax into «Aponi»'s chart.", Person);
        yield return PhiRow.Finds("Name_before_speaking_is_a_person", "You've reached billing, «Joaquín» speaking.", Person);
        yield return PhiRow.Finds("Name_pieces_joined_by_a_particle_are_one_person", "Her daughter, «Kathleen dos Santos», visited.", Person);
        yield return PhiRow.Finds("All_caps_particle_surname_before_a_given_name_is_one_person", "Patient: «VAN BUREN, LINH»    MRN: E12", Person);
        yield return PhiRow.Finds("Two_given_names_after_a_surname_are_one_person", "Name: «Stewart, Xiu Ying»\nMedical record", Person);
        yield return PhiRow.Finds("Two_particles_inside_a_name_are_part_of_it", "Patient: «Drew van den Bosch» | MRN 008", Person);
        yield return PhiRow.Finds("Surname_after_dear_dr_is_a_person", "Dear Dr. «Frost»,\n\nPlease see the enclosed.", Person);
        yield return PhiRow.Finds("Name_before_pa_c_credential_is_a_person", "Provider: «Jack Campbell», PA-C", Person);
        yield return PhiRow.Finds("Lower_case_given_name_after_a_relation_is_a_person", "my wife «grace» set it up", Person);
        yield return PhiRow.Finds("All_caps_eponym_surname_before_a_given_name_is_a_person", "ACCESSION REPORT\n«ELLISON, ERIC» (WY556479)", Person);
        yield return PhiRow.Finds("Name_after_patient_label_is_a_person", "Patient: «Omar Haddad»\nReason for visit: cough", Person);
        yield return PhiRow.Finds("Name_after_name_label_is_a_person", "Name: «Grace Liu»", Person);
        yield return PhiRow.Finds("Given_name_after_spoke_with_is_a_person", "Spoke with «Tom» about the balance.", Person);
        yield return PhiRow.Finds("Name_after_cardholder_is_a_person", "The cardholder «Ayesha Rahman» disputed the charge.", Person);
        yield return PhiRow.Finds("Signature_name_excludes_the_md_suffix", "Signed: «Jennifer K. Lee», MD", Person);
        yield return PhiRow.Finds("Electronic_signature_name_excludes_the_md_suffix", "Electronically signed by «David Kim», MD on file.", Person);
        yield return PhiRow.Finds("Nurse_name_excludes_the_rn_suffix", "Dressing changed by «Laura Mendes», RN.", Person);
        yield return PhiRow.Finds("Name_after_cc_is_a_person", "cc: «Robert Chen»", Person);
        yield return PhiRow.Finds("Name_after_attending_label_is_a_person", "Attending: «Samuel Osei»", Person);
        yield return PhiRow.Finds("Name_at_the_start_of_a_note_is_a_person", "«Maria Garcia» is a 45-year-old woman with asthma.", Person);
        yield return PhiRow.Finds("Possessive_name_excludes_the_apostrophe_s", "Patient «Maria Garcia»'s insurance was verified.", Person);
        yield return PhiRow.Finds("Three_part_name_is_one_person", "Patient «Mary Ann Fitzgerald» was admitted.", Person);

        // Relatives.
        yield return PhiRow.Finds("Wife_at_bedside_is_a_person", "Wife «Helen Brooks» at bedside.", Person);
        yield return PhiRow.Finds("Daughter_who_drives_her_home_is_a_person", "Her daughter «Rachel» will drive her home.", Person);
        yield return PhiRow.Finds("Son_named_will_is_a_person", "Accompanied by her son «Will».", Person);
        yield return PhiRow.Finds("Daughter_named_hope_is_a_person", "Her daughter «Hope» is the health care proxy.", Person);
        yield return PhiRow.Finds("Sister_named_rose_is_a_person", "Lives with her sister «Rose».", Person);
        yield return PhiRow.Finds("Husband_named_bill_is_a_person", "Her husband «Bill» called the ward.", Person);

        // Agents in support chats and calls.
        yield return PhiRow.Finds("Agent_label_name_is_a_person", "Agent: «Marcus Bell»\nCustomer: hi", Person);
        yield return PhiRow.Finds("Agent_introducing_himself_is_a_person", "Hi, this is «Kevin» from billing. How can I help?", Person);
        yield return PhiRow.Finds("Lower_case_name_in_chat_is_a_person", "hi my name is «sarah johnson» and i need help with a bill", Person);
        yield return PhiRow.Finds("Lower_case_given_name_in_chat_is_a_person", "hello, you're chatting with «priya», how can i help?", Person);

        // Shapes of names.
        yield return PhiRow.Finds("Initial_and_surname_is_a_person", "Referred by «J. Smith» for evaluation.", Person);
        yield return PhiRow.Finds("Hyphenated_surname_is_one_person", "Patient «Carmen Garcia-Lopez» admitted overnight.", Person);
        yield return PhiRow.Finds("Apostrophe_surname_is_one_person", "Patient «Sean O'Brien» admitted overnight.", Person);
        yield return PhiRow.Finds("Typographic_apostrophe_surname_is_one_person", "Mr. «Liam O\u2019Connor» was discharged.", Person);
        yield return PhiRow.Finds("Mc_surname_is_a_person", "Patient «Fiona McAllister» declined the vaccine.", Person);
        yield return PhiRow.Finds("Last_comma_first_is_one_person", "Patient: «Doe, Jane»", Person);
        yield return PhiRow.Finds("Last_comma_first_after_name_label_is_one_person", "Name: «Rivera, Carlos»  MRN: 00482913", Person);
        yield return PhiRow.Finds("All_caps_name_is_a_person", "PATIENT: «JOHN SMITH»", Person);
        yield return PhiRow.Finds("All_caps_last_comma_first_is_one_person", "PATIENT NAME: «DOE, JANE»", Person);

        // A name part found once is found again.
        yield return PhiRow.Finds(
            "Surname_found_once_is_found_again_later",
            "«Anna Kowalski» was counselled on the risks. After some thought «Kowalski» agreed to the procedure.",
            Person,
            Person);
        yield return PhiRow.Finds(
            "Given_name_found_once_is_found_again_later",
            "Patient «Tobias Brandt» presented with chest pain. «Tobias» denies shortness of breath.",
            Person,
            Person);

        // Several people in one text.
        yield return PhiRow.Finds(
            "Patient_and_clinician_in_one_line_are_two_people",
            "Patient «Maria Garcia» was seen by Dr. «Priya Patel».",
            Person,
            Person);
        // Record headers, names no dictionary knows, accents and particles.
        yield return PhiRow.Finds("All_caps_last_first_with_accents_after_patient_is_one_person", "Patient «ÓLAFSDÓTTIR, BJÖRK», MR# 5520193", Person);
        yield return PhiRow.Finds("Unknown_last_first_before_a_record_number_is_a_person", "2024-03-02 0915  «Mwangi-Otieno, Wanjiru»  #T5582013\nSeen by", Person);
        yield return PhiRow.Finds("Hyphenated_all_caps_last_first_before_a_record_code_in_parentheses_is_a_person", "LAB REPORT\n«ABERNATHY-OKONJO, TEMPERANCE» (QX448120)   F/51", Person);
        yield return PhiRow.Finds("Name_before_an_email_in_parentheses_is_a_person", "Customer: «Amélie al-Hashimi» (amelie.h@example.org)", Person);
        yield return PhiRow.Finds("Name_before_an_email_in_angle_brackets_is_a_person_even_when_both_are_words", "From: «Joy Short» <joy.short@example.net>", Person);
        yield return PhiRow.Finds("Name_before_an_mrn_label_is_a_person_even_when_both_are_words", "Please send the films for «Faith Small», MRN 00412298.", Person);
        yield return PhiRow.Finds("Initial_i_before_an_accented_surname_is_a_person", "Cardiology («I. Fernández») was consulted.", Person);
        yield return PhiRow.Finds("Initial_before_a_surname_that_is_an_organization_word_is_a_person", "Fraud queue. Agent: «B. Church»", Person);
        yield return PhiRow.Finds("Unknown_given_name_before_a_street_word_surname_and_a_credential_is_a_person", "Provider: «Ilkay Lane», MD", Person);
        yield return PhiRow.Finds("Hyphenated_given_name_before_a_frequent_surname_is_a_person", "Discharge summary for «Min-seo Rogers», 64 y/o female", Person);
        yield return PhiRow.Finds("Saint_surname_after_a_given_name_is_part_of_the_name", "Signed,\n«Ruth St. James», RN", Person);
        yield return PhiRow.Finds("Particle_led_surname_after_dr_is_a_person", "Dr. «el-Sayed» reviewed the films.", Person);
        yield return PhiRow.Finds("Lower_case_given_name_closing_an_introduction_is_a_person", "support: Hi there, «grace» here. How can I help?", Person);
        yield return PhiRow.Finds(
            "Patient_and_relative_in_one_line_are_two_people",
            "Mr. «Daniel Reyes» came with his wife «Sofia».",
            Person,
            Person);
    }

    public static IEnumerable<TestCaseData> Negatives()
    {
        // Common words that are names only in context.
        yield return PhiRow.FindsNo("Will_at_the_start_of_a_sentence_is_not_a_person", "Will follow up in two weeks.", Person);
        yield return PhiRow.FindsNo("Will_after_a_relation_word_is_still_a_verb", "my son will call you tomorrow", Person);
        yield return PhiRow.FindsNo("Rose_as_a_verb_is_not_a_person", "Heart rate rose to 140 overnight.", Person);
        yield return PhiRow.FindsNo("Hope_as_a_verb_is_not_a_person", "We hope to discharge her tomorrow.", Person);
        yield return PhiRow.FindsNo("Bill_as_a_verb_is_not_a_person", "Please bill the insurer directly.", Person);
        yield return PhiRow.FindsNo("Capitalized_hope_at_sentence_start_is_not_a_person", "Hope to wean oxygen today.", Person);
        yield return PhiRow.FindsNo("Capitalized_bill_at_sentence_start_is_not_a_person", "Bill the secondary insurer for the balance.", Person);
        yield return PhiRow.FindsNo("Mark_as_a_verb_is_not_a_person", "Mark the site before surgery.", Person);

        // Eponyms.
        yield return PhiRow.FindsNo("Parkinsons_disease_is_not_a_person", "History of Parkinson's disease.", Person);
        yield return PhiRow.FindsNo("Apgar_score_is_not_a_person", "Apgar score 8 and 9.", Person);
        yield return PhiRow.FindsNo("Foley_catheter_is_not_a_person", "Foley catheter removed this morning.", Person);
        yield return PhiRow.FindsNo("Glasgow_coma_scale_is_not_a_person", "Glasgow Coma Scale 15 on arrival.", Person);
        yield return PhiRow.FindsNo("Hodgkin_lymphoma_is_not_a_person", "Hodgkin lymphoma in remission.", Person);
        yield return PhiRow.FindsNo("Crohns_disease_is_not_a_person", "Known Crohn's disease, on infliximab.", Person);
        yield return PhiRow.FindsNo("Babinski_sign_is_not_a_person", "Babinski sign negative bilaterally.", Person);
        yield return PhiRow.FindsNo("Braden_scale_is_not_a_person", "Braden scale 14, turn every two hours.", Person);

        // Drug names.
        yield return PhiRow.FindsNo("Lisinopril_is_not_a_person", "Started Lisinopril 10 mg daily.", Person);
        yield return PhiRow.FindsNo("Eliquis_is_not_a_person", "Continue Eliquis 5 mg twice daily.", Person);
        yield return PhiRow.FindsNo("Two_capitalized_drug_names_are_not_a_person", "Switched from Lipitor to Xarelto last month.", Person);

        // Headings and departments.
        yield return PhiRow.FindsNo("Assessment_and_plan_heading_is_not_a_person", "ASSESSMENT AND PLAN\n1. Asthma, stable.", Person);
        yield return PhiRow.FindsNo("Emergency_department_is_not_a_person", "Presented to the Emergency Department with chest pain.", Person);
        yield return PhiRow.FindsNo("History_of_present_illness_heading_is_not_a_person", "HISTORY OF PRESENT ILLNESS: cough for three days.", Person);
        yield return PhiRow.FindsNo("Chief_complaint_heading_is_not_a_person", "Chief Complaint: Shortness of Breath", Person);

        // Modal verbs, businesses, practices and streets.
        yield return PhiRow.FindsNo("May_asking_a_question_is_not_a_person", "Thanks for holding. May I have the member ID, please?", Person);
        yield return PhiRow.FindsNo("Will_asking_a_question_is_not_a_person", "Will you call the pharmacy today?", Person);
        yield return PhiRow.FindsNo("Words_after_hotel_are_a_business_not_a_person", "Charge from HOTEL LA PLAYA GRANDE on the statement.", Person);
        yield return PhiRow.FindsNo("Family_practice_name_is_not_a_person", "Referred to Young Family Practice for follow-up.", Person);
        yield return PhiRow.FindsNo("Street_abbreviation_before_a_city_is_not_a_saint_surname", "She lives at 12 Jackson St. Boston now.", Person);

        // Titles and roles with no name.
        yield return PhiRow.FindsNo("Dr_title_before_a_role_is_not_a_person", "Paged the Dr. on call at midnight.", Person);
        yield return PhiRow.FindsNo("Patient_label_before_a_description_is_not_a_person", "Patient denies fever or chills.", Person);
    }

    [TestCaseSource(nameof(Cases))]
    public void Person_is_found_exactly(string marked, EntityType[] types, EntityType[] compared) =>
        PhiScanner.AssertFinds(marked, types, compared);

    [TestCaseSource(nameof(Negatives))]
    public void Not_a_person(string text, EntityType[] compared) => PhiScanner.AssertFindsNone(text, compared);
}
