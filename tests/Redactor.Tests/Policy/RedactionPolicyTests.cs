using System.Text;
using PrivateInference.Redactor.Policy;
using PrivateInference.Redactor.Redaction;

namespace PrivateInference.Redactor.Tests.Policy;

/// <summary>The redaction half of the per-tenant policy: tokenize by default, mask and leave per type; bad files do not load.</summary>
public sealed class RedactionPolicyTests
{
    private const string Document = """
        {
          "default": { "mask": ["DATE"] },
          "tenants": {
            "acme-payments": { "types": ["PAN", "CVV", "PERSON", "SSN"], "mask": ["SSN"], "leave": ["PERSON"] }
          }
        }
        """;

    private static DetectionPolicy Parse(string json) => DetectionPolicy.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    [Test]
    public void A_tenant_gets_its_own_decisions()
    {
        var rules = Parse(Document).RedactionFor("acme-payments");

        Assert.That(rules.For(EntityType.Pan), Is.EqualTo(RedactionDecision.Tokenize));
        Assert.That(rules.For(EntityType.Ssn), Is.EqualTo(RedactionDecision.Mask));
        Assert.That(rules.For(EntityType.Person), Is.EqualTo(RedactionDecision.Leave));
        Assert.That(rules.For(EntityType.Cvv), Is.EqualTo(RedactionDecision.Mask));
    }

    [Test]
    public void An_unknown_tenant_gets_the_default_entry()
    {
        var rules = Parse(Document).RedactionFor("someone-else");

        Assert.That(rules.For(EntityType.Date), Is.EqualTo(RedactionDecision.Mask));
        Assert.That(rules.For(EntityType.Person), Is.EqualTo(RedactionDecision.Tokenize));
    }

    [Test]
    public void Without_a_policy_every_type_is_tokenized_and_sensitive_authentication_data_masked()
    {
        var rules = DetectionPolicy.Everything.RedactionFor("any");

        Assert.That(EntityTypes.All.Where(t => rules.For(t) == RedactionDecision.Mask), Is.EquivalentTo(new[] { EntityType.Cvv, EntityType.TrackData }));
        Assert.That(EntityTypes.All.Where(t => rules.For(t) == RedactionDecision.Leave), Is.Empty);
    }

    [TestCase("""{"default":{"leave":["CVV"]}}""", "sensitive authentication data")]
    [TestCase("""{"default":{"leave":["TRACK_DATA"]}}""", "sensitive authentication data")]
    [TestCase("""{"default":{"mask":["SSN"],"leave":["SSN"]}}""", "both mask and leave")]
    [TestCase("""{"tenants":{"t":{"mask":["SOCIAL"]}}}""", "tenants.t.mask names an unknown entity type")]
    [TestCase("""{"default":{"leave":["pan2"]}}""", "default.leave names an unknown entity type")]
    [TestCase("""{"default":{"tokenize":["PAN"]}}""", "not valid JSON")]
    public void A_broken_redaction_policy_does_not_load(string json, string message)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Parse(json));

        Assert.That(ex!.Message, Does.Contain(message));
    }

    [Test]
    public void The_example_policy_loads()
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "..", "..", "deploy", "detection-policy.example.json");

        Assert.That(() => DetectionPolicy.Load(path), Throws.Nothing);
    }

    [Test]
    public void The_replacement_style_is_tokens_unless_an_entry_asks_for_surrogates()
    {
        var policy = Parse("""{ "default": {}, "tenants": { "clinic": { "replacement": "surrogate" }, "bank": { "replacement": "token" } } }""");

        Assert.That(policy.RedactionFor("clinic").Replacement, Is.EqualTo(ReplacementStyle.Surrogate));
        Assert.That(policy.RedactionFor("bank").Replacement, Is.EqualTo(ReplacementStyle.Token));
        Assert.That(policy.RedactionFor("someone-else").Replacement, Is.EqualTo(ReplacementStyle.Token));
        Assert.That(DetectionPolicy.Everything.RedactionFor("clinic").Replacement, Is.EqualTo(ReplacementStyle.Token));
    }

    [Test]
    public void An_unknown_replacement_style_stops_the_file_from_loading()
    {
        var ex = Assert.Throws<InvalidDataException>(() => Parse("""{ "tenants": { "clinic": { "replacement": "Surrogates" } } }"""));

        Assert.That(ex!.Message, Does.Contain("tenants.clinic.replacement"));
    }
}
