using System.Text.Json;
using System.Text.Json.Serialization;
using PrivateInference.Redactor.Detection;
using PrivateInference.Redactor.Redaction;

namespace PrivateInference.Redactor.Policy;

/// <summary>
/// Which entity types each tenant wants detected, and from what confidence: a payments tenant may not
/// want dates, a hospital wants everything. Requests narrow their tenant's policy further, never widen it.
/// Each entry also says what Redact does with what it found (<see cref="RedactionRules"/>): tokenize (the
/// default), mask irreversibly (<c>mask</c>) or leave as written (<c>leave</c>), and whether tokenized entities
/// appear as tokens (<c>"replacement": "token"</c>, the default) or surrogates (<c>"surrogate"</c>).
/// </summary>
/// <remarks>A tenant without an entry gets the default entry; without a default, every type. A policy
/// file that names an unknown type or an out-of-range confidence, names a type in both <c>mask</c> and
/// <c>leave</c>, leaves sensitive authentication data (CVV, TRACK_DATA) or names another replacement does not load (fail closed: a
/// typo must not silently switch detection or redaction off).</remarks>
public sealed class DetectionPolicy
{
    private readonly Dictionary<string, Rule> _tenants;
    private readonly Rule _default;

    private DetectionPolicy(Rule defaultRule, Dictionary<string, Rule> tenants)
    {
        _default = defaultRule;
        _tenants = tenants;
    }

    /// <summary>Every type for every tenant, at the engine's default confidence.</summary>
    public static DetectionPolicy Everything { get; } = new(new Rule(null, ScanOptions.DefaultMinConfidence, RedactionRules.TokenizeAll), new Dictionary<string, Rule>(StringComparer.Ordinal));

    /// <summary>Tenants with an explicit entry.</summary>
    public IReadOnlyCollection<string> Tenants => _tenants.Keys;

    /// <summary>The scan options for one request: the tenant's types intersected with the requested ones, and
    /// the higher of the two confidences.</summary>
    public ScanOptions For(string? tenant, IReadOnlySet<EntityType>? requested, double requestedMinConfidence)
    {
        var rule = RuleFor(tenant);
        IReadOnlySet<EntityType>? types = rule.Types;
        if (requested is not null)
        {
            types = types is null ? requested : requested.Where(types.Contains).ToHashSet();
        }

        return new ScanOptions
        {
            Types = types,
            MinConfidence = Math.Max(rule.MinConfidence, requestedMinConfidence > 0 ? requestedMinConfidence : 0),
        };
    }

    /// <summary>What Redact does with each type it finds for <paramref name="tenant"/>.</summary>
    public RedactionRules RedactionFor(string? tenant) => RuleFor(tenant).Redaction;

    private Rule RuleFor(string? tenant) => tenant is not null && _tenants.TryGetValue(tenant, out var r) ? r : _default;

    /// <summary>Reads a policy file (JSON, see <c>deploy/detection-policy.example.json</c>).</summary>
    /// <exception cref="InvalidDataException">The file is not a valid policy; the message names the problem.</exception>
    public static DetectionPolicy Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Parse(stream);
    }

    /// <summary>Parses a policy document.</summary>
    /// <exception cref="InvalidDataException">The document is not a valid policy; the message names the problem.</exception>
    public static DetectionPolicy Parse(Stream json)
    {
        PolicyDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, PolicyJsonContext.Default.PolicyDocument);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"detection policy: not valid JSON (line {ex.LineNumber + 1})", ex);
        }

        if (document is null)
        {
            throw new InvalidDataException("detection policy: empty document");
        }

        var defaultRule = document.Default is null ? new Rule(null, ScanOptions.DefaultMinConfidence, RedactionRules.TokenizeAll) : ToRule("default", document.Default);
        var tenants = new Dictionary<string, Rule>(StringComparer.Ordinal);
        foreach (var (tenant, entry) in document.Tenants ?? [])
        {
            if (string.IsNullOrWhiteSpace(tenant))
            {
                throw new InvalidDataException("detection policy: a tenant id is empty");
            }

            tenants[tenant] = ToRule($"tenants.{tenant}", entry);
        }

        return new DetectionPolicy(defaultRule, tenants);
    }

    private static Rule ToRule(string where, PolicyEntry entry)
    {
        var types = entry.Types is null ? null : ParseTypes($"{where}.types", entry.Types);
        var mask = ParseTypes($"{where}.mask", entry.Mask ?? []);
        var leave = ParseTypes($"{where}.leave", entry.Leave ?? []);
        if (mask.Overlaps(leave))
        {
            throw new InvalidDataException($"detection policy: {where} names a type in both mask and leave");
        }

        if (leave.Any(t => t.IsSensitiveAuthenticationData()))
        {
            throw new InvalidDataException($"detection policy: {where}.leave names sensitive authentication data, which is always masked");
        }

        var confidence = entry.MinConfidence ?? ScanOptions.DefaultMinConfidence;
        if (confidence is < 0 or > 1 || double.IsNaN(confidence))
        {
            throw new InvalidDataException($"detection policy: {where}.minConfidence must be between 0 and 1");
        }

        var replacement = entry.Replacement switch
        {
            null or "token" => ReplacementStyle.Token,
            "surrogate" => ReplacementStyle.Surrogate,
            _ => throw new InvalidDataException($"detection policy: {where}.replacement must be \"token\" or \"surrogate\""),
        };

        return new Rule(types, confidence, new RedactionRules(mask, leave, replacement));
    }

    private static HashSet<EntityType> ParseTypes(string where, List<string> names)
    {
        var types = new HashSet<EntityType>();
        foreach (var name in names)
        {
            if (!EntityTypes.TryParseWireName(name, out var type))
            {
                throw new InvalidDataException($"detection policy: {where} names an unknown entity type");
            }

            types.Add(type);
        }

        return types;
    }

    private sealed record Rule(IReadOnlySet<EntityType>? Types, double MinConfidence, RedactionRules Redaction);

    internal sealed class PolicyDocument
    {
        public PolicyEntry? Default { get; set; }

        public Dictionary<string, PolicyEntry>? Tenants { get; set; }
    }

    internal sealed class PolicyEntry
    {
        public List<string>? Types { get; set; }

        public double? MinConfidence { get; set; }

        public List<string>? Mask { get; set; }

        public List<string>? Leave { get; set; }

        public string? Replacement { get; set; }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(DetectionPolicy.PolicyDocument))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext;
