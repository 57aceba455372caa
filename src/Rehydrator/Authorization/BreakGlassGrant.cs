using System.Text.Json;
using System.Text.RegularExpressions;

namespace PrivateInference.Rehydrator.Authorization;

/// <summary>
/// A break-glass grant as the agent's JWT carries it (claim <c>pi_break_glass</c>): a time-bound widening of the policy,
/// approved by a second person and audited.
/// </summary>
/// <remarks>
/// <para>Claim shape: <c>{"id": "bg-2026-0042", "approver": "sup-alice", "exp": 1767225600, "reason": "chargeback_dispute"}</c>.
/// The identity provider (or the approval workflow behind it) issues it inside the signed token, so the grant is exactly
/// as trustworthy as the token. Fields are read leniently here and checked by <see cref="Check"/> at every use.</para>
/// <para>A grant is valid when: <c>id</c> is 1-64 characters of a-z, 0-9, '.', '_' and '-' (it goes into the vault's
/// audit record); <c>approver</c> is a subject of 1-256 printable characters other than the agent's own (no
/// self-approval); <c>exp</c> is a NumericDate in the future (no clock skew) and no later than the token's own
/// <c>exp</c>; <c>reason</c> is a code of 1-64 characters of a-z and '_'.</para>
/// </remarks>
/// <param name="Id">The grant's ID, recorded in the vault's audit of every rehydration it widens.</param>
/// <param name="Approver">Who approved it (a subject of the identity provider).</param>
/// <param name="ExpiresAt">When it ends.</param>
/// <param name="Reason">Why (a reason code).</param>
public sealed partial record BreakGlassGrant(string? Id, string? Approver, DateTimeOffset? ExpiresAt, string? Reason)
{
    /// <summary>Throws PERMISSION_DENIED, naming the rule and never a value, unless the grant is valid for
    /// <paramref name="agent"/> at <paramref name="now"/>.</summary>
    /// <exception cref="RehydrationException">The grant is malformed (<c>break_glass_invalid</c>), approved by the agent
    /// (<c>break_glass_self_approved</c>), outlives the token (<c>break_glass_invalid</c>) or has expired
    /// (<c>break_glass_expired</c>).</exception>
    public void Check(AuthenticatedAgent agent, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (Id is null || !IdPattern().IsMatch(Id) || Reason is null || !ReasonPattern().IsMatch(Reason) || ExpiresAt is null
            || Approver is null || !IsPrintableName(Approver))
        {
            throw Denied("The break-glass grant is malformed: it needs id, approver, exp and reason.", "break_glass_invalid");
        }

        if (string.Equals(Approver, agent.Subject, StringComparison.Ordinal))
        {
            throw Denied("The break-glass grant is approved by the agent it is for; a second person must approve it.", "break_glass_self_approved");
        }

        if (ExpiresAt > agent.ExpiresAt)
        {
            throw Denied("The break-glass grant outlives the agent's token.", "break_glass_invalid");
        }

        if (now >= ExpiresAt)
        {
            throw Denied("The break-glass grant has expired.", "break_glass_expired");
        }
    }

    /// <summary>Reads the claim leniently: a field of the wrong JSON type is null (and the grant then invalid).</summary>
    internal static BreakGlassGrant Read(JsonElement claim)
    {
        if (claim.ValueKind != JsonValueKind.Object)
        {
            return new BreakGlassGrant(null, null, null, null);
        }

        DateTimeOffset? expires = claim.TryGetProperty("exp", out var exp) && exp.ValueKind == JsonValueKind.Number && exp.TryGetInt64(out var seconds)
            && seconds is > 0 and < 253402300800
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
        return new BreakGlassGrant(StringOf(claim, "id"), StringOf(claim, "approver"), expires, StringOf(claim, "reason"));
    }

    /// <summary>Prints the shape, never the approver.</summary>
    public override string ToString() => $"BreakGlassGrant(expires: {ExpiresAt:O})";

    /// <summary>1-256 characters, none of them a control character or half a surrogate pair.</summary>
    internal static bool IsPrintableName(string name) =>
        name.Length is > 0 and <= 256 && !name.Any(c => char.IsControl(c) || char.IsSurrogate(c));

    private static string? StringOf(JsonElement claim, string name) =>
        claim.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static RehydrationException Denied(string message, string reason) => new(RehydrationErrorKind.PermissionDenied, message, reason);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[a-z_]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ReasonPattern();
}
