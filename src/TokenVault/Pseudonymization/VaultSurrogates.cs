using System.Buffers.Binary;
using System.Text;
using PrivateInference.Cryptography;
using PrivateInference.Cryptography.Surrogates;
using PrivateInference.TokenVault.Keyring;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Pseudonymization;

/// <summary>Which surrogate an entity type gets (see <see cref="VaultSurrogates.KindOf"/>).</summary>
internal enum SurrogateKind
{
    /// <summary>No surrogate: the caller writes the token.</summary>
    None,

    /// <summary><see cref="PanSurrogate"/>: same length, layout and last four; fails Luhn.</summary>
    Pan,

    /// <summary><see cref="DigitSurrogate"/>: the digits through FF1, every other character in place.</summary>
    Digits,

    /// <summary><see cref="ListSurrogate.Person"/>.</summary>
    Person,

    /// <summary><see cref="ListSurrogate.Address"/>.</summary>
    Address,
}

/// <summary>The vault's surrogate rules in one place: which type gets which surrogate, how a spelling's surrogate is made
/// for an attempt, and how a row gets the first attempt no other row holds.</summary>
/// <remarks>
/// <para>Mapping (documented in docs/ARCHITECTURE.md, *Surrogates*):</para>
/// <code>
/// PAN                                   PanSurrogate       Luhn-valid PANs of 12-19 digits only
/// PERSON                                ListSurrogate.Person
/// ADDRESS                               ListSurrogate.Address
/// SSN, MRN, PHONE, ACCOUNT_NUMBER,      DigitSurrogate     6-64 ASCII digits and at most 2 letters (the letters stay
/// HEALTH_PLAN_ID, LICENSE_NUMBER,                          as written, so a value with more would keep too much)
/// DEVICE_ID, IBAN
/// everything else (EMAIL, DATE, URL,    none               the caller writes the token
/// IP_ADDRESS, AGE, ZIP, EXPIRY, VIN)
/// </code>
/// <para>Inputs: the tenant's surrogate key (<see cref="TenantKeys.SurrogateKey"/>), tweak = ASCII(tenant) ‖ 0x00 ‖
/// ASCII(type), and for FF1 surrogates ‖ 0x00 ‖ attempt (uint32 BE), so every attempt is another permutation; list
/// surrogates take the attempt themselves and the row's 10-character token ID. A surrogate that equals its value (ASCII
/// case folded) is skipped for the next attempt, and so is a digit surrogate with a card's shape (a PAN layout that
/// passes Luhn or has a PAN surrogate's residue): no digit surrogate can pass for a card or a card's surrogate.</para>
/// </remarks>
internal sealed class VaultSurrogates(IVaultStore store)
{
    /// <summary>Attempts tried before a row is left without a surrogate (its token is used): each one is taken only by a
    /// collision with another row of the tenant, so 32 in a row do not happen short of a broken generator.</summary>
    public const int MaxAttempts = 32;

    private const int MaxLettersBesideDigits = 2;

    /// <summary>The one mapping of entity types to surrogate kinds.</summary>
    public static SurrogateKind KindOf(string entityType) => entityType switch
    {
        "PAN" => SurrogateKind.Pan,
        "PERSON" => SurrogateKind.Person,
        "ADDRESS" => SurrogateKind.Address,
        "SSN" or "MRN" or "PHONE" or "ACCOUNT_NUMBER" or "HEALTH_PLAN_ID" or "LICENSE_NUMBER" or "DEVICE_ID" or "IBAN" => SurrogateKind.Digits,
        _ => SurrogateKind.None,
    };

    /// <summary>Whether this spelling of a value of this type has a surrogate at all.</summary>
    public static bool HasSurrogate(string entityType, string value) => KindOf(entityType) switch
    {
        SurrogateKind.Pan => PanSurrogate.CanEncrypt(value),
        SurrogateKind.Digits => DigitSurrogate.CanEncrypt(value) && CountLetters(value) <= MaxLettersBesideDigits,
        SurrogateKind.Person or SurrogateKind.Address => true,
        _ => false,
    };

    /// <summary>The surrogate of a spelling (<paramref name="value"/>, which must have one: <see cref="HasSurrogate"/>) at
    /// one attempt, or null when it would equal the value or, for digits, have a card's shape (take the next). <paramref name="tokenKey"/> is the row's key,
    /// <c>ID</c> or <c>ID-XX</c>; list surrogates use the ID.</summary>
    public static string? Make(SecretKey key, string tenantId, string entityType, string tokenKey, int attempt, string value)
    {
        var surrogate = KindOf(entityType) switch
        {
            SurrogateKind.Pan => PanSurrogate.Encrypt(key, Tweak(tenantId, entityType, attempt), value),
            SurrogateKind.Digits => DigitSurrogate.Encrypt(key, Tweak(tenantId, entityType, attempt), value),
            SurrogateKind.Person => ListSurrogate.Person(key, Tweak(tenantId, entityType, null), tokenKey[..TokenId.Length], attempt, value),
            SurrogateKind.Address => ListSurrogate.Address(key, Tweak(tenantId, entityType, null), tokenKey[..TokenId.Length], attempt, value),
            _ => throw new ArgumentOutOfRangeException(nameof(entityType)),
        };
        return Ascii.EqualsIgnoreCase(surrogate, value) || (KindOf(entityType) == SurrogateKind.Digits && HasCardShape(surrogate)) ? null : surrogate;
    }

    /// <summary>Whether a digit surrogate could be taken for a card: a PAN's layout (12-19 digits with ' ', '-' or '.')
    /// that passes Luhn (it would pass for a real card, and the Rehydrator's finder never sends those) or has a PAN
    /// surrogate's residue (the finder would take it for a PAN surrogate). Such an attempt is skipped.</summary>
    private static bool HasCardShape(string surrogate) => PanSurrogate.CanEncrypt(surrogate) || PanSurrogate.IsSurrogate(surrogate);

    /// <summary>The first attempt from <paramref name="from"/> on whose surrogate differs from the value, or null after
    /// <see cref="MaxAttempts"/>.</summary>
    public static (int Attempt, string Surrogate)? NextAttempt(SecretKey key, string tenantId, string entityType, string tokenKey, int from, string value)
    {
        for (var attempt = from; attempt < MaxAttempts; attempt++)
        {
            if (Make(key, tenantId, entityType, tokenKey, attempt, value) is { } surrogate)
            {
                return (attempt, surrogate);
            }
        }

        return null;
    }

    /// <summary>The surrogate of each item's spelling row ("" where there is none), in item order, and how many rows got
    /// theirs in this call. <paramref name="rows"/> holds, per item, the key of its spelling's row and the surrogate attempt
    /// that row holds (null: none yet).</summary>
    /// <remarks>A row that has a surrogate gets it made again from its attempt, without a database call. The others claim
    /// their first attempt in one <see cref="IVaultStore.ClaimSurrogatesAsync"/> per round; a claim whose surrogate
    /// another row holds goes on with its next attempt, one that a racing replica settled first takes that replica's.
    /// Two rows of the batch whose surrogates meet in one round: the later one moves on before the claim is sent.</remarks>
    public async Task<(string[] Surrogates, int Issued)> IssueAsync(string tenantId, TenantKeys keys, IReadOnlyList<TokenizeInput> items, (string Key, int? Attempt)[] rows, CancellationToken cancellationToken)
    {
        var surrogates = new string[items.Count];
        var byRow = new Dictionary<string, string>(StringComparer.Ordinal);
        var pending = new Dictionary<string, (int Item, int Attempt, string Surrogate)>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var (key, attempt) = rows[i];
            if (byRow.ContainsKey(key) || pending.ContainsKey(key))
            {
                continue;
            }

            var item = items[i];
            if (!HasSurrogate(item.EntityType, item.Value))
            {
                byRow[key] = string.Empty;
            }
            else if (attempt is { } held)
            {
                byRow[key] = Make(keys.SurrogateKey, tenantId, item.EntityType, key, held, item.Value) ?? string.Empty;
            }
            else if (NextAttempt(keys.SurrogateKey, tenantId, item.EntityType, key, 0, item.Value) is { } first)
            {
                pending[key] = (i, first.Attempt, first.Surrogate);
            }
            else
            {
                byRow[key] = string.Empty;
            }
        }

        var issued = 0;
        while (pending.Count > 0)
        {
            var claims = new List<SurrogateClaim>(pending.Count);
            var claimed = new HashSet<FingerprintKey>(FingerprintKeyComparer.Instance);
            foreach (var (key, (item, attempt, surrogate)) in pending.ToArray())
            {
                var fingerprint = Fingerprint.Surrogate(keys.FingerprintKey, surrogate);
                if (claimed.Add(new FingerprintKey(string.Empty, fingerprint)))
                {
                    claims.Add(new SurrogateClaim(key, fingerprint, attempt));
                }
                else
                {
                    Advance(key, item, attempt);
                }
            }

            var held = await TenantKeyring.Stored(() => store.ClaimSurrogatesAsync(tenantId, claims, cancellationToken)).ConfigureAwait(false);
            for (var c = 0; c < claims.Count; c++)
            {
                var claim = claims[c];
                var (item, attempt, surrogate) = pending[claim.TokenId];
                if (held[c] is not { } settled)
                {
                    Advance(claim.TokenId, item, attempt);
                    continue;
                }

                pending.Remove(claim.TokenId);
                if (settled == attempt)
                {
                    byRow[claim.TokenId] = surrogate;
                    issued++;
                }
                else
                {
                    byRow[claim.TokenId] = Make(keys.SurrogateKey, tenantId, items[item].EntityType, claim.TokenId, settled, items[item].Value) ?? string.Empty;
                }
            }
        }

        for (var i = 0; i < items.Count; i++)
        {
            surrogates[i] = byRow[rows[i].Key];
        }

        return (surrogates, issued);

        void Advance(string key, int item, int attempt)
        {
            if (NextAttempt(keys.SurrogateKey, tenantId, items[item].EntityType, key, attempt + 1, items[item].Value) is { } next)
            {
                pending[key] = (item, next.Attempt, next.Surrogate);
            }
            else
            {
                pending.Remove(key);
                byRow[key] = string.Empty;
            }
        }
    }

    private static byte[] Tweak(string tenantId, string entityType, int? attempt)
    {
        var tweak = new byte[tenantId.Length + 1 + entityType.Length + (attempt is null ? 0 : 5)];
        var written = Encoding.ASCII.GetBytes(tenantId, tweak);
        written += Encoding.ASCII.GetBytes(entityType, tweak.AsSpan(written + 1)) + 1;
        if (attempt is { } a)
        {
            BinaryPrimitives.WriteUInt32BigEndian(tweak.AsSpan(written + 1), (uint)a);
        }

        return tweak;
    }

    private static int CountLetters(string value)
    {
        var letters = 0;
        foreach (var c in value)
        {
            if (char.IsLetter(c))
            {
                letters++;
            }
        }

        return letters;
    }
}
