using PrivateInference.Redactor.Tests.Phi.Support;

namespace PrivateInference.Redactor.Tests.Phi;

/// <summary>
/// Issue 3 EMAIL, URL and IP_ADDRESS. Each row compares all three, so an e-mail address is not also a URL and
/// an IP address inside a URL is not reported twice. Versions, build numbers and clock times are not IPs.
/// </summary>
public sealed class NetworkDetectionTests
{
    private const EntityType Email = EntityType.Email;
    private const EntityType Url = EntityType.Url;
    private const EntityType Ip = EntityType.IpAddress;

    public static IEnumerable<TestCaseData> Cases()
    {
        // E-mail.
        yield return Network("Plain_email_address_is_an_email", "Email «jane.doe@example.com» for results.", Email);
        yield return Network("Email_with_plus_tag_and_subdomain_is_an_email", "Send to «j.smith+billing@mail.example.org».", Email);
        yield return Network("Mixed_case_email_is_an_email", "contact: «Patient_01@Example.COM»", Email);
        yield return Network("Email_in_angle_brackets_excludes_the_brackets", "From: Jane Doe <«jane.doe@example.com»>", Email);
        yield return Network("Email_in_parentheses_excludes_the_parentheses", "her daughter («rachel.doe@example.net») asked", Email);
        yield return Network("Email_with_hyphenated_domain_is_an_email", "«billing@north-clinic.example»", Email);
        yield return Network("Two_emails_in_a_list_are_two_emails", "cc «a.one@example.com», «b.two@example.com»", Email, Email);

        // URL.
        yield return Network("Https_url_with_path_is_a_url", "Results at «https://portal.example.com/patients/4821» now.", Url);
        yield return Network("Http_url_with_query_is_a_url", "Open «http://example.com/view?id=4821&tab=labs» to see.", Url);
        yield return Network("Www_host_without_scheme_is_a_url", "See «www.example.net» for forms.", Url);
        yield return Network("Host_and_path_without_scheme_is_a_url", "Upload to «example.org/path» today.", Url);
        yield return Network("Url_before_a_full_stop_excludes_the_full_stop", "Visit «https://example.com/x».", Url);
        yield return Network("Url_in_parentheses_excludes_the_parentheses", "(see «https://example.com/records/77»)", Url);
        yield return Network("Url_with_ip_host_is_one_url", "Device admin at «http://192.168.10.4/admin».", Url);

        // IP address.
        yield return Network("Private_ipv4_is_an_ip_address", "Login from «192.168.10.4» at night.", Ip);
        yield return Network("Documentation_range_ipv4_is_an_ip_address", "client «203.0.113.7» connected", Ip);
        yield return Network("Link_local_ipv6_is_an_ip_address", "Interface «fe80::1ff:fe23:4567:890a» up.", Ip);
        yield return Network("Compressed_ipv6_is_an_ip_address", "peer «2001:db8::8a2e:370:7334» dropped", Ip);
        yield return Network("Ipv4_at_the_end_of_a_sentence_excludes_the_full_stop", "Blocked «10.20.30.40».", Ip);

        yield return Network(
            "Email_url_and_ip_in_one_text_are_three_entities",
            "Mail «jane.doe@example.com», portal «https://example.org/me», from «192.168.10.4».",
            Email,
            Url,
            Ip);
    }

    public static IEnumerable<TestCaseData> Negatives()
    {
        yield return PhiRow.FindsNo("Semantic_version_is_not_an_ip_address", "Upgraded to v2.14.3 last night.", PhiTypes.Network);
        yield return PhiRow.FindsNo("Four_part_build_number_is_not_an_ip_address", "OS 10.0.19045.3570 installed.", PhiTypes.Network);
        yield return PhiRow.FindsNo("Clock_time_is_not_an_ip_address", "Logged at 09:26:53 by the nurse.", PhiTypes.Network);
        yield return PhiRow.FindsNo("Dotted_quad_with_octet_over_255_is_not_an_ip_address", "Ref 999.168.1.1 on the form.", PhiTypes.Network);
        yield return PhiRow.FindsNo("Decimal_lab_value_is_not_a_url_or_ip", "Creatinine 1.2 mg/dL, K 4.1.", PhiTypes.Network);
        yield return PhiRow.FindsNo("Abbreviations_with_full_stops_are_not_urls", "Use a spacer, e.g. with inhaler, i.e. twice daily.", PhiTypes.Network);
        yield return PhiRow.FindsNo("At_mention_without_a_domain_is_not_an_email", "Tag @cardiology in the chat.", PhiTypes.Network);
        yield return PhiRow.FindsNo("Missing_space_after_full_stop_is_not_a_url", "Pain improved.Will discharge home.", PhiTypes.Network);
    }

    [TestCaseSource(nameof(Cases))]
    public void Network_entity_is_found_exactly(string marked, EntityType[] types, EntityType[] compared) =>
        PhiScanner.AssertFinds(marked, types, compared);

    [TestCaseSource(nameof(Negatives))]
    public void Not_an_email_url_or_ip_address(string text, EntityType[] compared) => PhiScanner.AssertFindsNone(text, compared);

    private static TestCaseData Network(string name, string marked, params EntityType[] types) =>
        PhiRow.Compares(name, marked, PhiTypes.Network, types);
}
