using PrivateInference.Cryptography;
using System.Collections.Frozen;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PrivateInference.Rehydrator.Policy;

/// <summary>
/// Who may see what: roles × purposes of use × entity types → reveal, mask or withhold, read from a JSON file.
/// </summary>
/// <remarks>
/// <para>Format (every key is checked; anything unknown stops the load):</para>
/// <code>
/// {
///   "version": 1,
///   "description": "optional free text",
///   "purposes": ["treatment", "payment", "operations"],
///   "surrogates": true,
///   "roles": {
///     "clinician":           { "treatment":  { "PERSON": "reveal", "PAN": "withhold" } },
///     "payments-supervisor": { "payment":    { "PAN": { "action": "mask", "breakGlass": "reveal" } } },
///     "privacy-officer":     { "operations": { "*": "reveal" } }
///   }
/// }
/// </code>
/// <para>Default deny: a type a role's entry does not list (and no <c>"*"</c> covers) is withheld; a purpose not in
/// <c>purposes</c> is unknown; a role without an entry for the request's purpose has no grant for it. When several of an
/// agent's roles have an entry for the purpose, the most permissive action per type wins. <c>breakGlass</c> names the
/// wider action a rule allows under a valid break-glass grant; it must be wider than <c>action</c>.</para>
/// <para>Names of roles and purposes: 1-64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit
/// (the vault's audit vocabulary). The purpose name <c>unknown</c> is reserved for audit records of refused requests.</para>
/// <para><c>surrogates</c> (optional, default <c>true</c>): whether realistic surrogates in text are looked up in the
/// vault as well as bracketed tokens. A tenant may switch to surrogate redaction at any time, so it is on unless a
/// deployment that never uses surrogates turns it off to avoid the look-ups.</para>
/// </remarks>
public sealed partial class RehydrationPolicy
{
    /// <summary>The type key that stands for every type a rule object does not list by name.</summary>
    public const string Wildcard = "*";

    /// <summary>The purpose recorded for refusals whose purpose is missing or not in the policy; no policy may define it.</summary>
    public const string UnknownPurpose = "unknown";

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 16,
    };

    private readonly FrozenDictionary<string, FrozenDictionary<string, RoleRules>> _roles;

    private RehydrationPolicy(FrozenSet<string> purposes, FrozenDictionary<string, FrozenDictionary<string, RoleRules>> roles, bool surrogates)
    {
        Purposes = purposes;
        _roles = roles;
        Surrogates = surrogates;
    }

    /// <summary>Whether surrogates in text are looked up (the file's <c>surrogates</c>, default true).</summary>
    public bool Surrogates { get; }

    /// <summary>The purposes of use the policy knows; any other purpose is refused as unknown.</summary>
    public FrozenSet<string> Purposes { get; }

    /// <summary>The roles the policy names.</summary>
    public IEnumerable<string> Roles => _roles.Keys;

    /// <summary>Reads and validates a policy file.</summary>
    /// <exception cref="RehydrationPolicyException">The file cannot be read or is not a valid policy; the message names
    /// the file, the line and the field.</exception>
    public static RehydrationPolicy Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RehydrationPolicyException($"rehydration policy {path}: cannot be read ({ex.GetType().Name}).", ex);
        }

        return Parse(bytes, path);
    }

    /// <summary>Reads and validates a policy from UTF-8 JSON; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="RehydrationPolicyException">The JSON is not a valid policy.</exception>
    public static RehydrationPolicy Parse(ReadOnlySpan<byte> utf8Json, string source = "policy") =>
        new Parser(utf8Json.ToArray(), source).Parse();

    /// <summary>Reads and validates a policy from a JSON string; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="RehydrationPolicyException">The JSON is not a valid policy.</exception>
    public static RehydrationPolicy Parse(string json, string source = "policy")
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(System.Text.Encoding.UTF8.GetBytes(json), source);
    }

    /// <summary>Whether <paramref name="purpose"/> is one of the policy's purposes (exact, case-sensitive).</summary>
    public bool IsKnownPurpose(string? purpose) => purpose is not null && Purposes.Contains(purpose);

    /// <summary>Whether the policy names <paramref name="role"/>.</summary>
    public bool IsKnownRole(string? role) => role is not null && _roles.ContainsKey(role);

    /// <summary>
    /// The actions per entity type for an agent with <paramref name="roles"/> and a known <paramref name="purpose"/>,
    /// or null when none of the roles has an entry for the purpose (no grant).
    /// </summary>
    /// <param name="roles">The agent's roles as the identity provider asserted them; roles the policy does not name
    /// are ignored.</param>
    /// <param name="purpose">A purpose the policy knows.</param>
    /// <param name="breakGlass">Whether the agent presented a valid break-glass grant: rules with a <c>breakGlass</c>
    /// action then apply it.</param>
    public PolicyDecision? Decide(IEnumerable<string> roles, string purpose, bool breakGlass)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (!IsKnownPurpose(purpose))
        {
            throw new ArgumentException("The purpose is not one of the policy's purposes.", nameof(purpose));
        }

        var applying = new SortedDictionary<string, RoleRules>(StringComparer.Ordinal);
        foreach (var role in roles)
        {
            if (role is not null && _roles.TryGetValue(role, out var purposes) && purposes.TryGetValue(purpose, out var rules))
            {
                applying[role] = rules;
            }
        }

        if (applying.Count == 0)
        {
            return null;
        }

        var actions = new Dictionary<string, RehydrationAction>(StringComparer.Ordinal);
        var widened = false;
        foreach (var type in TokenEntityTypes.Vaulted)
        {
            var normal = RehydrationAction.Withhold;
            var wide = RehydrationAction.Withhold;
            foreach (var rules in applying.Values)
            {
                var rule = rules.For(type);
                normal = Max(normal, rule.Action);
                wide = Max(wide, rule.BreakGlass ?? rule.Action);
            }

            actions[type] = breakGlass ? wide : normal;
            widened |= breakGlass && wide != normal;
        }

        return new PolicyDecision([.. applying.Keys], purpose, actions.ToFrozenDictionary(StringComparer.Ordinal), widened);
    }

    private static RehydrationAction Max(RehydrationAction a, RehydrationAction b) => a >= b ? a : b;

    /// <summary>Whether <paramref name="name"/> has the shape of a role or purpose name.</summary>
    internal static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    /// <summary>One rule: the action, and the wider action under break-glass.</summary>
    private readonly record struct Rule(RehydrationAction Action, RehydrationAction? BreakGlass);

    /// <summary>One role's rules for one purpose.</summary>
    private sealed class RoleRules(FrozenDictionary<string, Rule> byType, Rule? wildcard)
    {
        public Rule For(string type) => byType.TryGetValue(type, out var rule) ? rule : wildcard ?? new Rule(RehydrationAction.Withhold, null);
    }

    /// <summary>A strict reader over the policy JSON that knows where it is (line and path) for every error.</summary>
    private sealed class Parser(byte[] bytes, string source)
    {
        public RehydrationPolicy Parse()
        {
            var reader = new Utf8JsonReader(bytes, ReaderOptions);
            try
            {
                return ParseDocument(ref reader);
            }
            catch (JsonException ex)
            {
                throw new RehydrationPolicyException($"rehydration policy {source}: line {(ex.LineNumber ?? 0) + 1}: not valid JSON ({ex.Message})", ex);
            }
        }

        private RehydrationPolicy ParseDocument(ref Utf8JsonReader reader)
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Error(reader.TokenStartIndex, "$", "the policy must be a JSON object");
            }

            int? version = null;
            var surrogates = true;
            List<string>? purposes = null;
            List<(string Role, string Purpose, long At, RoleRules Rules)>? entries = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (ReadProperty(ref reader, "$", seen, out var name, out var at))
            {
                switch (name)
                {
                    case "version":
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var v) || v != 1)
                        {
                            throw Error(reader.TokenStartIndex, "$.version", "must be 1");
                        }

                        version = v;
                        break;
                    case "description":
                        ExpectString(ref reader, "$.description");
                        break;
                    case "purposes":
                        purposes = ParsePurposes(ref reader);
                        break;
                    case "roles":
                        entries = ParseRoles(ref reader);
                        break;
                    case "surrogates":
                        if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                        {
                            throw Error(reader.TokenStartIndex, "$.surrogates", "must be true or false");
                        }

                        surrogates = reader.GetBoolean();
                        break;
                    default:
                        throw Error(at, "$." + name, "unknown key (expected version, description, purposes, surrogates, roles)");
                }
            }

            if (reader.Read())
            {
                throw Error(reader.TokenStartIndex, "$", "content after the policy object");
            }

            var end = bytes.Length;
            if (version is null)
            {
                throw Error(end, "$.version", "missing (must be 1)");
            }

            if (purposes is null)
            {
                throw Error(end, "$.purposes", "missing");
            }

            if (entries is null)
            {
                throw Error(end, "$.roles", "missing");
            }

            var known = purposes.ToFrozenSet(StringComparer.Ordinal);
            var roles = new Dictionary<string, Dictionary<string, RoleRules>>(StringComparer.Ordinal);
            foreach (var (role, purpose, at, rules) in entries)
            {
                if (!known.Contains(purpose))
                {
                    throw Error(at, $"$.roles.{role}.{purpose}", "purpose is not listed in $.purposes");
                }

                if (!roles.TryGetValue(role, out var byPurpose))
                {
                    roles[role] = byPurpose = new Dictionary<string, RoleRules>(StringComparer.Ordinal);
                }

                byPurpose[purpose] = rules;
            }

            return new RehydrationPolicy(known, roles.ToFrozenDictionary(r => r.Key, r => r.Value.ToFrozenDictionary(StringComparer.Ordinal), StringComparer.Ordinal), surrogates);
        }

        private List<string> ParsePurposes(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw Error(reader.TokenStartIndex, "$.purposes", "must be an array of purpose names");
            }

            var purposes = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var path = $"$.purposes[{purposes.Count}]";
                var name = ExpectString(ref reader, path);
                CheckName(name, reader.TokenStartIndex, path, "purpose");
                if (name == UnknownPurpose)
                {
                    throw Error(reader.TokenStartIndex, path, $"the purpose name '{UnknownPurpose}' is reserved for audit records of refused requests");
                }

                if (purposes.Contains(name))
                {
                    throw Error(reader.TokenStartIndex, path, $"purpose '{name}' is listed twice");
                }

                purposes.Add(name);
            }

            if (purposes.Count == 0)
            {
                throw Error(reader.TokenStartIndex, "$.purposes", "must list at least one purpose");
            }

            return purposes;
        }

        private List<(string, string, long, RoleRules)> ParseRoles(ref Utf8JsonReader reader)
        {
            ExpectObject(ref reader, "$.roles", "must be an object of roles");
            var entries = new List<(string, string, long, RoleRules)>();
            var roleNames = new HashSet<string>(StringComparer.Ordinal);
            while (ReadProperty(ref reader, "$.roles", roleNames, out var role, out var roleAt))
            {
                var rolePath = "$.roles." + role;
                CheckName(role, roleAt, rolePath, "role");
                ExpectObject(ref reader, rolePath, "must be an object of purposes");
                var purposeNames = new HashSet<string>(StringComparer.Ordinal);
                while (ReadProperty(ref reader, rolePath, purposeNames, out var purpose, out var purposeAt))
                {
                    var purposePath = rolePath + "." + purpose;
                    CheckName(purpose, purposeAt, purposePath, "purpose");
                    entries.Add((role, purpose, purposeAt, ParseRules(ref reader, purposePath)));
                }

                if (purposeNames.Count == 0)
                {
                    throw Error(roleAt, rolePath, "grants no purpose (remove the role or give it one)");
                }
            }

            if (roleNames.Count == 0)
            {
                throw Error(reader.TokenStartIndex, "$.roles", "must name at least one role");
            }

            return entries;
        }

        private RoleRules ParseRules(ref Utf8JsonReader reader, string path)
        {
            ExpectObject(ref reader, path, "must be an object of entity types to actions");
            var rules = new Dictionary<string, Rule>(StringComparer.Ordinal);
            Rule? wildcard = null;
            var types = new HashSet<string>(StringComparer.Ordinal);
            while (ReadProperty(ref reader, path, types, out var type, out var typeAt))
            {
                var typePath = path + "." + type;
                var sensitiveAuthentication = TokenEntityTypes.SensitiveAuthenticationData.Contains(type);
                if (type != Wildcard && !TokenEntityTypes.Vaulted.Contains(type) && !sensitiveAuthentication)
                {
                    throw Error(typeAt, typePath, $"unknown entity type '{type}' (expected one of {string.Join(", ", TokenEntityTypes.Vaulted.Order(StringComparer.Ordinal))}, or \"*\")");
                }

                var rule = ParseRule(ref reader, typePath);
                if (sensitiveAuthentication && (rule.Action != RehydrationAction.Withhold || rule.BreakGlass is not null))
                {
                    throw Error(typeAt, typePath, $"{type} is sensitive authentication data: never vaulted, so it can only be withheld");
                }

                if (type == Wildcard)
                {
                    wildcard = rule;
                }
                else
                {
                    rules[type] = rule;
                }
            }

            return new RoleRules(rules.ToFrozenDictionary(StringComparer.Ordinal), wildcard);
        }

        private Rule ParseRule(ref Utf8JsonReader reader, string path)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                return new Rule(ParseAction(ref reader, path), null);
            }

            ExpectObject(ref reader, path, "must be an action (\"reveal\", \"mask\", \"withhold\") or an object {\"action\": …, \"breakGlass\": …}");
            var objectAt = reader.TokenStartIndex;
            RehydrationAction? action = null;
            RehydrationAction? breakGlass = null;
            var keys = new HashSet<string>(StringComparer.Ordinal);
            while (ReadProperty(ref reader, path, keys, out var key, out var keyAt))
            {
                switch (key)
                {
                    case "action":
                        action = ParseAction(ref reader, path + ".action");
                        break;
                    case "breakGlass":
                        breakGlass = ParseAction(ref reader, path + ".breakGlass");
                        break;
                    default:
                        throw Error(keyAt, path + "." + key, "unknown key (expected action, breakGlass)");
                }
            }

            if (action is null)
            {
                throw Error(objectAt, path + ".action", "missing");
            }

            if (breakGlass is { } wider && wider <= action)
            {
                throw Error(objectAt, path + ".breakGlass", "must be wider than action (withhold < mask < reveal)");
            }

            return new Rule(action.Value, breakGlass);
        }

        private RehydrationAction ParseAction(ref Utf8JsonReader reader, string path)
        {
            var name = ExpectString(ref reader, path);
            if (!RehydrationActions.TryParse(name, out var action))
            {
                throw Error(reader.TokenStartIndex, path, $"unknown action '{name}' (expected reveal, mask or withhold)");
            }

            return action;
        }

        /// <summary>Moves to the next property of the current object and onto its value; false at the object's end.</summary>
        private bool ReadProperty(ref Utf8JsonReader reader, string path, HashSet<string> seen, out string name, out long at)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                name = string.Empty;
                at = reader.TokenStartIndex;
                return false;
            }

            name = reader.GetString()!;
            at = reader.TokenStartIndex;
            if (!seen.Add(name))
            {
                throw Error(at, path + "." + name, "key appears twice");
            }

            reader.Read();
            return true;
        }

        private void ExpectObject(ref Utf8JsonReader reader, string path, string rule)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Error(reader.TokenStartIndex, path, rule);
            }
        }

        private string ExpectString(ref Utf8JsonReader reader, string path)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw Error(reader.TokenStartIndex, path, "must be a string");
            }

            return reader.GetString()!;
        }

        private void CheckName(string name, long at, string path, string what)
        {
            if (!IsValidName(name))
            {
                throw Error(at, path, $"{what} name must be 1-64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
            }
        }

        private RehydrationPolicyException Error(long byteOffset, string path, string problem)
        {
            var line = 1;
            var end = (int)Math.Min(Math.Max(byteOffset, 0), bytes.Length);
            for (var i = 0; i < end; i++)
            {
                if (bytes[i] == (byte)'\n')
                {
                    line++;
                }
            }

            return new RehydrationPolicyException($"rehydration policy {source}: line {line}, {path}: {problem}.");
        }
    }
}
