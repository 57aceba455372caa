using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace PrivateInference.TokenVault.Keys;

/// <summary>Names one version of a key-encryption key held by a <see cref="IKekProvider"/>.</summary>
/// <remarks>
/// Names are restricted to a small ASCII alphabet because they become HSM object labels and audit
/// fields; they identify a key, they are never key material.
/// </remarks>
public readonly partial record struct KekId
{
    public KekId(string name, int version)
    {
        ThrowIfInvalidName(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        Name = name;
        Version = version;
    }

    public string Name { get; }

    public int Version { get; }

    /// <summary>The HSM object label: name and version, e.g. <c>tenant-a/v3</c>.</summary>
    public string Label => string.Create(CultureInfo.InvariantCulture, $"{Name}/v{Version}");

    public override string ToString() => Label;

    /// <summary>Checks a KEK name on its own (for operations on all versions of a name).</summary>
    /// <exception cref="ArgumentException">The name is not 1-64 characters of the allowed alphabet.</exception>
    public static void ThrowIfInvalidName(string name, [CallerArgumentExpression(nameof(name))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException("A KEK name is 1-64 characters of a-z, A-Z, 0-9, '.', '_' or '-'.", paramName);
        }
    }

    /// <summary>Reads a <see cref="Label"/> back; false for anything else (other objects share the token).</summary>
    public static bool TryParseLabel(string? label, out KekId kekId)
    {
        kekId = default;
        if (label is null)
        {
            return false;
        }

        int slash = label.LastIndexOf("/v", StringComparison.Ordinal);
        if (slash <= 0
            || !int.TryParse(label.AsSpan(slash + 2), NumberStyles.None, CultureInfo.InvariantCulture, out int version)
            || version < 1
            || !NamePattern().IsMatch(label.AsSpan(0, slash)))
        {
            return false;
        }

        // "v01" parses to 1 but is not a label this type writes.
        var parsed = new KekId(label[..slash], version);
        if (!string.Equals(parsed.Label, label, StringComparison.Ordinal))
        {
            return false;
        }

        kekId = parsed;
        return true;
    }

    // \z, not $: "$" also matches before a final newline, which must never reach a label or a file name.
    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
