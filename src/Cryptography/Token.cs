namespace PrivateInference.Cryptography;

/// <summary>A pseudonym token as it appears in sanitized text: <c>[PERSON_7QH2K9MX3A]</c>.</summary>
/// <remarks>
/// <para>Grammar (ASCII only):</para>
/// <code>
/// token       = "[" entity-type "_" token-id [ "-" spelling ] "]"
/// entity-type = %x41-5A *31( %x41-5A / DIGIT / "_" )      ; ^[A-Z][A-Z0-9_]{0,31}$
/// token-id    = 10( crockford )                            ; see TokenId
/// spelling    = 2( crockford )                             ; which recorded spelling of the value
/// crockford   = DIGIT / %x41-48 / "J" / "K" / "M" / "N" / %x50-54 / %x56-5A   ; 0-9 A-Z without I L O U
/// </code>
/// <para>The entity type may itself contain underscores (<c>[ACCOUNT_NUMBER_0123456789]</c>); the ID is the part
/// after the <em>last</em> underscore, which is unambiguous because the ID contains none.</para>
/// <para>Why this shape: brackets and an upper-case type survive an LLM's copy and make tokens easy to find; the type
/// tells the model what stands there without revealing it. <see cref="TryParse"/> reads exactly what
/// <see cref="Format"/> writes. <see cref="TryParseLenient"/> also reads what a model tends to make of a token
/// (brackets dropped, case changed, O for 0, I or L for 1); the caller must still look the result up in the vault
/// for the right tenant and leave unknown tokens as they are, never guess.</para>
/// <para>Spelling marks: the ID names a value (its normalized form: a card number's digits, a name case-folded),
/// so a card written "4111-1111-…" in one note and "4111 1111 …" in another shares one ID. The vault records each
/// distinct spelling it meets; the first one is the token without a mark, every later one gets a random two-character
/// mark (<c>[PAN_7QH2K9MX3A-Q7]</c>), so rehydration gives back each value as it was written in that document. A
/// model sees the shared ID and can tell both are the same card.</para>
/// <para>A token carries no secret: the ID and the mark are random and mean nothing without the vault.</para>
/// </remarks>
public readonly record struct Token
{
    /// <summary>Longest entity type the grammar allows.</summary>
    public const int MaxEntityTypeLength = 32;

    private const int MinInnerLength = 1 + 1 + TokenId.Length;
    private const int MaxInnerLength = MaxEntityTypeLength + 1 + TokenId.VariantKeyLength;

    /// <summary>A token of a valid entity type and ID, optionally with a spelling mark.</summary>
    /// <exception cref="ArgumentException">A part does not match the grammar.</exception>
    public Token(string entityType, string id, string? spelling = null)
    {
        RequireEntityType(entityType, nameof(entityType));
        TokenId.Require(id, nameof(id));
        if (spelling is not null && !TokenId.IsValidSpelling(spelling))
        {
            throw new ArgumentException("The spelling mark is not 2 characters of Crockford base32.", nameof(spelling));
        }

        EntityType = entityType;
        Id = id;
        Spelling = spelling;
    }

    /// <summary>The token of a vault row key (<see cref="TokenId.IsValidKey"/>): an ID, or an ID with a spelling mark.</summary>
    /// <exception cref="ArgumentException">A part does not match the grammar.</exception>
    public static Token FromKey(string entityType, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length == TokenId.VariantKeyLength && key[TokenId.Length] == '-'
            ? new Token(entityType, key[..TokenId.Length], key[(TokenId.Length + 1)..])
            : new Token(entityType, key);
    }

    /// <summary>The entity type, e.g. <c>PERSON</c>.</summary>
    public string EntityType { get; }

    /// <summary>The random ID, e.g. <c>7QH2K9MX3A</c>: it names the value.</summary>
    public string Id { get; }

    /// <summary>The spelling mark, e.g. <c>Q7</c>, or null for the value's first recorded spelling.</summary>
    public string? Spelling { get; }

    /// <summary>The vault row key: <c>ID</c>, or <c>ID-SPELLING</c> for a later spelling.</summary>
    public string Key => Spelling is null ? Id : string.Concat(Id, "-", Spelling);

    /// <summary>Whether <paramref name="entityType"/> matches <c>^[A-Z][A-Z0-9_]{0,31}$</c>.</summary>
    public static bool IsValidEntityType(ReadOnlySpan<char> entityType)
    {
        if (entityType.IsEmpty || entityType.Length > MaxEntityTypeLength || !char.IsAsciiLetterUpper(entityType[0]))
        {
            return false;
        }

        foreach (var c in entityType[1..])
        {
            if (!char.IsAsciiLetterUpper(c) && !char.IsAsciiDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws, naming the parameter and never its content, unless <paramref name="entityType"/> is valid.</summary>
    internal static void RequireEntityType(string entityType, string parameterName)
    {
        if (!IsValidEntityType(entityType))
        {
            throw new ArgumentException("The entity type does not match ^[A-Z][A-Z0-9_]{0,31}$.", parameterName);
        }
    }

    /// <summary>The token as it is written into sanitized text: <c>[TYPE_ID]</c> or <c>[TYPE_ID-SPELLING]</c>.</summary>
    /// <exception cref="InvalidOperationException">This is <c>default(Token)</c>.</exception>
    public string Format()
    {
        if (EntityType is null || Id is null)
        {
            throw new InvalidOperationException("An uninitialized token cannot be formatted.");
        }

        return Spelling is null ? string.Concat("[", EntityType, "_", Id, "]") : string.Concat("[", EntityType, "_", Id, "-", Spelling, "]");
    }

    /// <summary>Same as <see cref="Format"/> (empty for <c>default(Token)</c>), so a token prints as it is written.</summary>
    public override string ToString() => EntityType is null ? string.Empty : Format();

    /// <summary>Reads exactly the canonical form <c>[TYPE_ID]</c> or <c>[TYPE_ID-SPELLING]</c>: brackets, upper case,
    /// no look-alikes.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Token token)
    {
        token = default;
        return text.Length >= 2 && text[0] == '[' && text[^1] == ']' && TryParseInner(text[1..^1], out token);
    }

    /// <summary>
    /// Reads a token the way a model may have reproduced it: with or without both brackets, in any letter case, and
    /// with O for 0 and I or L for 1 inside the ID. The result is normalized to the canonical form.
    /// </summary>
    /// <remarks>Only ASCII letters change case, by arithmetic, so the result never depends on culture or on casing
    /// tables (Unicode maps a dotless ı to I and a long ſ to S; such text must not pass as a token). A single bracket,
    /// whitespace, or any other character is a rejection.</remarks>
    public static bool TryParseLenient(ReadOnlySpan<char> text, out Token token)
    {
        token = default;
        var inner = text;
        if (!inner.IsEmpty && inner[0] == '[')
        {
            if (inner.Length < 2 || inner[^1] != ']')
            {
                return false;
            }

            inner = inner[1..^1];
        }

        if (inner.Length is < MinInnerLength or > MaxInnerLength)
        {
            return false;
        }

        Span<char> normalized = stackalloc char[inner.Length];
        var split = inner.LastIndexOf('_');
        for (var i = 0; i < inner.Length; i++)
        {
            var c = AsciiUpper(inner[i]);
            normalized[i] = i <= split ? c : c switch
            {
                'O' => '0',
                'I' or 'L' => '1',
                _ => c,
            };
        }

        return TryParseInner(normalized, out token);
    }

    /// <summary>Reads <c>TYPE_ID</c> or <c>TYPE_ID-SPELLING</c> (no brackets), splitting at the last underscore.</summary>
    private static bool TryParseInner(ReadOnlySpan<char> inner, out Token token)
    {
        token = default;
        if (inner.Length is < MinInnerLength or > MaxInnerLength)
        {
            return false;
        }

        var split = inner.LastIndexOf('_');
        if (split < 0)
        {
            return false;
        }

        var entityType = inner[..split];
        var key = inner[(split + 1)..];
        if (!IsValidEntityType(entityType) || !TokenId.IsValidKey(key))
        {
            return false;
        }

        token = FromKey(entityType.ToString(), key.ToString());
        return true;
    }

    private static char AsciiUpper(char c) => char.IsAsciiLetterLower(c) ? (char)(c - ('a' - 'A')) : c;
}
