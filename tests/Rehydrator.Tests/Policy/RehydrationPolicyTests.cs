using PrivateInference.Cryptography;
using PrivateInference.Rehydrator.Policy;

namespace PrivateInference.Rehydrator.Tests.Policy;

/// <summary>Policy evaluation tables on the shipped example policy, and the strict loader.</summary>
public sealed class RehydrationPolicyTests
{
    private static readonly RehydrationPolicy Shipped = RehydrationPolicy.Load(Path.Combine(AppContext.BaseDirectory, "config", "rehydration-policy.json"));

    private static readonly RehydrationAction Reveal = RehydrationAction.Reveal;
    private static readonly RehydrationAction Mask = RehydrationAction.Mask;
    private static readonly RehydrationAction Withhold = RehydrationAction.Withhold;

    public static IEnumerable<TestCaseData> ShippedTable()
    {
        // roles, purpose, break-glass, type → action
        object[][] rows =
        [
            [new[] { "clinician" }, "treatment", false, "PERSON", Reveal],
            [new[] { "clinician" }, "treatment", false, "MRN", Reveal],
            [new[] { "clinician" }, "treatment", false, "DATE", Reveal],
            [new[] { "clinician" }, "treatment", false, "PHONE", Reveal],
            [new[] { "clinician" }, "treatment", false, "PAN", Withhold],
            [new[] { "clinician" }, "treatment", false, "SSN", Withhold],
            [new[] { "clinician" }, "treatment", false, "VIN", Withhold],
            [new[] { "clinician" }, "treatment", true, "PAN", Withhold],
            [new[] { "payments-agent" }, "payment", false, "PERSON", Reveal],
            [new[] { "payments-agent" }, "payment", false, "PAN", Mask],
            [new[] { "payments-agent" }, "payment", false, "SSN", Withhold],
            [new[] { "payments-agent" }, "payment", false, "MRN", Withhold],
            [new[] { "payments-agent" }, "payment", true, "PAN", Mask],
            [new[] { "payments-supervisor" }, "payment", false, "PAN", Mask],
            [new[] { "payments-supervisor" }, "payment", true, "PAN", Reveal],
            [new[] { "payments-supervisor" }, "payment", true, "SSN", Withhold],
            [new[] { "privacy-officer" }, "operations", false, "PAN", Reveal],
            [new[] { "privacy-officer" }, "operations", false, "SSN", Reveal],
            [new[] { "privacy-officer" }, "operations", false, "VIN", Reveal],
            [new[] { "privacy-officer" }, "operations", false, "IP_ADDRESS", Reveal],
            // Several roles: the most permissive action per type wins.
            [new[] { "payments-agent", "clinician" }, "payment", false, "PAN", Mask],
            [new[] { "payments-agent", "payments-supervisor" }, "payment", true, "PAN", Reveal],
            [new[] { "clinician", "privacy-officer" }, "treatment", false, "SSN", Withhold],
            // Roles the policy does not know are ignored.
            [new[] { "Domain Users", "clinician" }, "treatment", false, "PERSON", Reveal],
        ];
        foreach (var row in rows)
        {
            var roles = (string[])row[0];
            yield return new TestCaseData(roles, row[1], row[2], row[3], row[4])
                .SetName($"{string.Join('+', roles)} for {row[1]}{((bool)row[2] ? " with break-glass" : string.Empty)}: {row[3]} is {row[4]}");
        }
    }

    [TestCaseSource(nameof(ShippedTable))]
    public void The_shipped_policy_decides_as_the_sketch_says(string[] roles, string purpose, bool breakGlass, string type, RehydrationAction expected)
    {
        var decision = Shipped.Decide(roles, purpose, breakGlass);

        Assert.That(decision, Is.Not.Null);
        Assert.That(decision!.ActionFor(type), Is.EqualTo(expected));
    }

    [TestCase("clinician", "payment")]
    [TestCase("payments-agent", "treatment")]
    [TestCase("payments-supervisor", "operations")]
    [TestCase("privacy-officer", "treatment")]
    [TestCase("janitor", "treatment")]
    public void A_role_without_an_entry_for_the_purpose_has_no_grant(string role, string purpose)
    {
        Assert.That(Shipped.Decide([role], purpose, breakGlass: false), Is.Null);
    }

    [Test]
    public void Surrogate_look_ups_are_on_unless_the_file_turns_them_off()
    {
        const string Roles = "\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{}}}}";

        Assert.That(RehydrationPolicy.Parse("{\"version\":1," + Roles).Surrogates, Is.True);
        Assert.That(RehydrationPolicy.Parse("{\"version\":1,\"surrogates\":true," + Roles).Surrogates, Is.True);
        Assert.That(RehydrationPolicy.Parse("{\"version\":1,\"surrogates\":false," + Roles).Surrogates, Is.False);
    }

    [Test]
    public void No_roles_have_no_grant()
    {
        Assert.That(Shipped.Decide([], "treatment", breakGlass: false), Is.Null);
    }

    [Test]
    public void Purposes_are_known_exactly()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Shipped.IsKnownPurpose("treatment"), Is.True);
            Assert.That(Shipped.IsKnownPurpose("Treatment"), Is.False);
            Assert.That(Shipped.IsKnownPurpose("research"), Is.False);
            Assert.That(Shipped.IsKnownPurpose(""), Is.False);
            Assert.That(Shipped.IsKnownPurpose(null), Is.False);
        });
    }

    [Test]
    public void Deciding_for_an_unknown_purpose_is_a_programming_error()
    {
        Assert.That(() => Shipped.Decide(["clinician"], "research", breakGlass: false), Throws.ArgumentException);
    }

    [Test]
    public void The_decision_names_only_the_roles_that_took_part_sorted()
    {
        var decision = Shipped.Decide(["payments-supervisor", "clinician", "Domain Users", "payments-agent"], "payment", breakGlass: false)!;

        Assert.That(decision.Roles, Is.EqualTo(new[] { "payments-agent", "payments-supervisor" }));
        Assert.That(decision.Purpose, Is.EqualTo("payment"));
    }

    [Test]
    public void Break_glass_is_reported_only_when_it_widened_an_action()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Shipped.Decide(["payments-supervisor"], "payment", breakGlass: true)!.BreakGlassWidened, Is.True);
            Assert.That(Shipped.Decide(["payments-supervisor"], "payment", breakGlass: false)!.BreakGlassWidened, Is.False);
            Assert.That(Shipped.Decide(["payments-agent"], "payment", breakGlass: true)!.BreakGlassWidened, Is.False);
            // Another role already reveals PAN: the grant widens nothing.
            Assert.That(Shipped.Decide(["payments-supervisor"], "payment", breakGlass: true)!.ActionFor("PAN"), Is.EqualTo(Reveal));
        });
    }

    [Test]
    public void A_type_the_vault_does_not_store_is_withheld_even_under_a_wildcard()
    {
        var decision = Shipped.Decide(["privacy-officer"], "operations", breakGlass: true)!;

        Assert.That(decision.ActionFor("CVV"), Is.EqualTo(Withhold));
        Assert.That(decision.ActionFor("FOO"), Is.EqualTo(Withhold));
    }

    [Test]
    public void Named_types_override_the_wildcard_of_the_same_entry()
    {
        var policy = RehydrationPolicy.Parse("""{"version":1,"purposes":["ops"],"roles":{"r":{"ops":{"*":"reveal","SSN":"mask"}}}}""");
        var decision = policy.Decide(["r"], "ops", breakGlass: false)!;

        Assert.That(decision.ActionFor("SSN"), Is.EqualTo(Mask));
        Assert.That(decision.ActionFor("PAN"), Is.EqualTo(Reveal));
    }

    [Test]
    public void An_empty_rule_object_grants_the_purpose_and_withholds_everything()
    {
        var policy = RehydrationPolicy.Parse("""{"version":1,"purposes":["ops"],"roles":{"r":{"ops":{}}}}""");
        var decision = policy.Decide(["r"], "ops", breakGlass: true);

        Assert.That(decision, Is.Not.Null);
        Assert.That(TokenEntityTypes.Vaulted.Select(decision!.ActionFor), Is.All.EqualTo(Withhold));
    }

    public static IEnumerable<TestCaseData> BrokenPolicies()
    {
        (string Json, string Expected)[] cases =
        [
            ("[]", "line 1, $: the policy must be a JSON object"),
            ("{\"version\":1,\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{}}},\"extra\":1}", "$.extra: unknown key"),
            ("{\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{}}}}", "$.version: missing"),
            ("{\"version\":2,\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{}}}}", "$.version: must be 1"),
            ("{\"version\":1,\"surrogates\":\"no\",\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{}}}}", "$.surrogates: must be true or false"),
            ("{\"version\":1,\"surrogates\":true,\"surrogates\":false,\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{}}}}", "$.surrogates"),
            ("{\"version\":1,\"roles\":{\"r\":{\"a\":{}}}}", "$.purposes: missing"),
            ("{\"version\":1,\"purposes\":[\"a\"]}", "$.roles: missing"),
            ("{\"version\":1,\"purposes\":[],\"roles\":{\"r\":{\"a\":{}}}}", "$.purposes: must list at least one purpose"),
            ("{\"version\":1,\"purposes\":[\"a\",\"a\"],\"roles\":{\"r\":{\"a\":{}}}}", "purpose 'a' is listed twice"),
            ("{\"version\":1,\"purposes\":[\"unknown\"],\"roles\":{\"r\":{\"unknown\":{}}}}", "is reserved"),
            ("{\"version\":1,\"purposes\":[\"Treatment\"],\"roles\":{\"r\":{\"Treatment\":{}}}}", "$.purposes[0]: purpose name must be"),
            ("{\"version\":1,\"purposes\":[\"a\"],\"roles\":{}}", "$.roles: must name at least one role"),
            ("{\"version\":1,\"purposes\":[\"a\"],\"roles\":{\"R\":{\"a\":{}}}}", "$.roles.R: role name must be"),
            ("{\"version\":1,\"purposes\":[\"a\"],\"roles\":{\"r\":{}}}", "$.roles.r: grants no purpose"),
            ("{\"version\":1,\"purposes\":[\"a\"],\"roles\":{\"r\":{\"b\":{}}}}", "$.roles.r.b: purpose is not listed in $.purposes"),
            ("{\"version\":1,\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{\"PAM\":\"reveal\"}}}}", "$.roles.r.a.PAM: unknown entity type 'PAM'"),
            ("{\"version\":1,\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{\"pan\":\"reveal\"}}}}", "unknown entity type 'pan'"),
            ("{\"version\":1,\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{\"PAN\":\"show\"}}}}", "$.roles.r.a.PAN: unknown action 'show'"),
            ("{\"version\":1,\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{\"PAN\":\"Reveal\"}}}}", "unknown action 'Reveal'"),
            ("{\"version\":1,\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{\"PAN\":1}}}}", "$.roles.r.a.PAN: must be an action"),
            ("{\"version\":1,\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{\"PAN\":{\"breakGlass\":\"reveal\"}}}}}", "$.roles.r.a.PAN.action: missing"),
            ("{\"version\":1,\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{\"PAN\":{\"action\":\"reveal\",\"breakGlass\":\"mask\"}}}}}", "$.roles.r.a.PAN.breakGlass: must be wider than action"),
            ("{\"version\":1,\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{\"PAN\":{\"action\":\"mask\",\"breakglass\":\"reveal\"}}}}}", "$.roles.r.a.PAN.breakglass: unknown key"),
            ("{\"version\":1,\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{\"CVV\":\"reveal\"}}}}", "CVV is sensitive authentication data"),
            ("{\"version\":1,\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{\"PAN\":\"mask\",\"PAN\":\"reveal\"}}}}", "$.roles.r.a.PAN: key appears twice"),
            ("{\"version\":1,\"version\":1,\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{}}}}", "$.version: key appears twice"),
            ("{\"version\":1,\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{}}},}", "not valid JSON"),
            ("{\"version\":1, // comment\n\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{}}}}", "not valid JSON"),
            ("{\"version\":1,\"purposes\":[\"a\"],\"roles\":{\"r\":{\"a\":{}}}} {}", "not valid JSON"),
            ("", "not valid JSON"),
        ];
        foreach (var (json, expected) in cases)
        {
            yield return new TestCaseData(json, expected).SetName("Refused: " + expected);
        }
    }

    [TestCaseSource(nameof(BrokenPolicies))]
    public void A_broken_policy_does_not_load_and_the_error_names_the_field(string json, string expected)
    {
        Assert.That(() => RehydrationPolicy.Parse(json, "test.json"),
            Throws.TypeOf<RehydrationPolicyException>().With.Message.Contains(expected).And.Message.StartsWith("rehydration policy test.json: line "));
    }

    [Test]
    public void The_error_names_the_line_of_the_offending_key()
    {
        var json = "{\n  \"version\": 1,\n  \"purposes\": [\"treatment\"],\n  \"roles\": {\n    \"clinician\": {\n      \"treatment\": {\n        \"PERSON\": \"reveal\",\n        \"PAM\": \"mask\"\n      }\n    }\n  }\n}\n";

        Assert.That(() => RehydrationPolicy.Parse(json, "p.json"),
            Throws.TypeOf<RehydrationPolicyException>().With.Message.StartsWith("rehydration policy p.json: line 8, $.roles.clinician.treatment.PAM: unknown entity type 'PAM'"));
    }

    [Test]
    public void A_missing_file_is_a_policy_error_naming_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), "pi-missing-" + Guid.NewGuid().ToString("N") + ".json");

        Assert.That(() => RehydrationPolicy.Load(path), Throws.TypeOf<RehydrationPolicyException>().With.Message.Contains(path));
    }
}
