using System.Globalization;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.Factories;

namespace PrivateInference.TokenVault.Keys;

/// <summary>The token objects the PKCS#11 provider keeps, how they are labelled and found, and their templates.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>KEK: AES secret key labelled <see cref="KekId.Label"/> (<c>tenant-a/v3</c>).</item>
/// <item>Tombstone of a destroyed KEK: a data object with <see cref="TombstoneApplication"/> and the KEK's
/// label; it holds the time of destruction, no key material. PKCS#11 keeps no history, so without it a
/// destroyed version would look like one that never existed, and could be created again.</item>
/// <item>Import key: RSA private key labelled <c>name/import/yyyyMMddTHHmmssZ</c> (its KEK name and expiry)
/// with <c>CKA_ID</c> = the <see cref="ImportKeyId"/> bytes. The expiry is in the label because SoftHSM 2.6
/// fails <c>C_GetAttributeValue</c> of <c>CKA_END_DATE</c> with CKR_GENERAL_ERROR.</item>
/// </list>
/// </remarks>
internal static class Pkcs11Objects
{
    public const string TombstoneApplication = "PrivateInference KEK tombstone";
    public const int KeyLength = 32;
    private const string ImportInfix = "/import/";
    private const string ExpiryFormat = "yyyyMMdd'T'HHmmss'Z'";

    public static string ImportKeyLabel(string kekName, DateTimeOffset expiresAt) =>
        kekName + ImportInfix + expiresAt.UtcDateTime.ToString(ExpiryFormat, CultureInfo.InvariantCulture);

    public static bool TryParseImportKeyLabel(string? label, out string kekName, out DateTimeOffset expiresAt)
    {
        kekName = string.Empty;
        expiresAt = default;
        if (label is null)
        {
            return false;
        }

        int infix = label.LastIndexOf(ImportInfix, StringComparison.Ordinal);
        if (infix <= 0
            || !DateTimeOffset.TryParseExact(label.AsSpan(infix + ImportInfix.Length), ExpiryFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out expiresAt))
        {
            return false;
        }

        kekName = label[..infix];
        return true;
    }

    /// <summary>A sensitive, non-extractable AES secret key: the import key's <c>CKA_UNWRAP_TEMPLATE</c>, and the start
    /// of every template the provider unwraps or generates into, so each of them meets that unwrap template.</summary>
    public static List<IObjectAttribute> SensitiveAesKey(ISession session)
    {
        IObjectAttributeFactory attributes = session.Factories.ObjectAttributeFactory;
        return
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            attributes.Create(CKA.CKA_SENSITIVE, true),
            attributes.Create(CKA.CKA_EXTRACTABLE, false),
        ];
    }

    /// <summary>The KEK template for generation and import: on the token, private, sensitive, never extractable,
    /// encrypt/decrypt only. <c>CKA_VALUE_LEN</c> is added for generation only: SoftHSM refuses it on unwrap.</summary>
    public static List<IObjectAttribute> KekTemplate(ISession session, string label)
    {
        IObjectAttributeFactory attributes = session.Factories.ObjectAttributeFactory;
        return
        [
            .. SensitiveAesKey(session),
            attributes.Create(CKA.CKA_LABEL, label),
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_PRIVATE, true),
            attributes.Create(CKA.CKA_ENCRYPT, true),
            attributes.Create(CKA.CKA_DECRYPT, true),
            attributes.Create(CKA.CKA_WRAP, false),
            attributes.Create(CKA.CKA_UNWRAP, false),
            attributes.Create(CKA.CKA_SIGN, false),
            attributes.Create(CKA.CKA_VERIFY, false),
            attributes.Create(CKA.CKA_DERIVE, false),
        ];
    }

    /// <summary>The token's AES keys under this exact label.</summary>
    public static List<IObjectHandle> FindKeys(ISession session, string label)
    {
        IObjectAttributeFactory attributes = session.Factories.ObjectAttributeFactory;
        return FindAll(session,
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_LABEL, label),
        ]);
    }

    /// <summary>Every AES key on the token with its label (for <see cref="IKekProvider.List"/>: PKCS#11 cannot search by prefix).</summary>
    public static List<(IObjectHandle Handle, string Label)> AllKeysWithLabels(ISession session)
    {
        IObjectAttributeFactory attributes = session.Factories.ObjectAttributeFactory;
        List<IObjectHandle> keys = FindAll(session,
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            attributes.Create(CKA.CKA_TOKEN, true),
        ]);
        return keys.ConvertAll(key => (key, ReadLabel(session, key)));
    }

    public static bool HasTombstone(ISession session, string label) => FindTombstones(session, label).Count > 0;

    public static List<string> AllTombstoneLabels(ISession session) =>
        FindTombstones(session, label: null).ConvertAll(tombstone => ReadLabel(session, tombstone));

    public static void CreateTombstone(ISession session, string label, DateTimeOffset destroyedAt)
    {
        IObjectAttributeFactory attributes = session.Factories.ObjectAttributeFactory;
        List<IObjectAttribute> template =
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_DATA),
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_PRIVATE, true),
            attributes.Create(CKA.CKA_APPLICATION, TombstoneApplication),
            attributes.Create(CKA.CKA_LABEL, label),
            attributes.Create(CKA.CKA_VALUE, Encoding.ASCII.GetBytes(destroyedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))),
        ];
        try
        {
            session.CreateObject(template);
        }
        finally
        {
            DisposeAll(template);
        }
    }

    /// <summary>The token's RSA private keys with this <c>CKA_ID</c>, with their labels.</summary>
    public static List<(IObjectHandle Handle, string Label)> FindImportKeys(ISession session, byte[]? id)
    {
        IObjectAttributeFactory attributes = session.Factories.ObjectAttributeFactory;
        List<IObjectAttribute> template =
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY),
            attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_RSA),
            attributes.Create(CKA.CKA_TOKEN, true),
        ];
        if (id is not null)
        {
            template.Add(attributes.Create(CKA.CKA_ID, id));
        }

        return FindAll(session, template).ConvertAll(key => (key, ReadLabel(session, key)));
    }

    /// <summary>The attributes policy and inventory need, read in one call.</summary>
    public static Pkcs11KeyFacts ReadFacts(ISession session, IObjectHandle key)
    {
        List<IObjectAttribute> values = session.GetAttributeValue(key,
        [
            CKA.CKA_VALUE_LEN,
            CKA.CKA_TOKEN,
            CKA.CKA_SENSITIVE,
            CKA.CKA_EXTRACTABLE,
            CKA.CKA_ALWAYS_SENSITIVE,
            CKA.CKA_NEVER_EXTRACTABLE,
            CKA.CKA_LOCAL,
            CKA.CKA_ENCRYPT,
            CKA.CKA_DECRYPT,
        ]);
        try
        {
            return new Pkcs11KeyFacts(
                LengthBytes: checked((int)values[0].GetValueAsUlong()),
                OnToken: values[1].GetValueAsBool(),
                Sensitive: values[2].GetValueAsBool(),
                Extractable: values[3].GetValueAsBool(),
                AlwaysSensitive: values[4].GetValueAsBool(),
                NeverExtractable: values[5].GetValueAsBool(),
                GeneratedOnToken: values[6].GetValueAsBool(),
                Encrypt: values[7].GetValueAsBool(),
                Decrypt: values[8].GetValueAsBool());
        }
        finally
        {
            DisposeAll(values);
        }
    }

    public static void SetUsable(ISession session, IObjectHandle key, bool usable)
    {
        IObjectAttributeFactory attributes = session.Factories.ObjectAttributeFactory;
        List<IObjectAttribute> template =
        [
            attributes.Create(CKA.CKA_ENCRYPT, usable),
            attributes.Create(CKA.CKA_DECRYPT, usable),
        ];
        try
        {
            session.SetAttributeValue(key, template);
        }
        finally
        {
            DisposeAll(template);
        }
    }

    public static List<IObjectHandle> FindAll(ISession session, List<IObjectAttribute> template)
    {
        try
        {
            return session.FindAllObjects(template);
        }
        finally
        {
            DisposeAll(template);
        }
    }

    public static void DisposeAll(List<IObjectAttribute> attributes)
    {
        foreach (IObjectAttribute attribute in attributes)
        {
            attribute.Dispose();
        }
    }

    private static List<IObjectHandle> FindTombstones(ISession session, string? label)
    {
        IObjectAttributeFactory attributes = session.Factories.ObjectAttributeFactory;
        List<IObjectAttribute> template =
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_DATA),
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_APPLICATION, TombstoneApplication),
        ];
        if (label is not null)
        {
            template.Add(attributes.Create(CKA.CKA_LABEL, label));
        }

        return FindAll(session, template);
    }

    private static string ReadLabel(ISession session, IObjectHandle handle)
    {
        List<IObjectAttribute> values = session.GetAttributeValue(handle, [CKA.CKA_LABEL]);
        try
        {
            return values[0].GetValueAsString() ?? string.Empty;
        }
        finally
        {
            DisposeAll(values);
        }
    }
}

/// <summary>What the token says about one AES key object.</summary>
/// <remarks><c>LengthBytes</c> is <c>CKA_VALUE_LEN</c>, 0 when the module did not record it; <c>GeneratedOnToken</c>
/// is <c>CKA_LOCAL</c>: generated inside the token, not unwrapped or created.</remarks>
internal sealed record Pkcs11KeyFacts(
    int LengthBytes,
    bool OnToken,
    bool Sensitive,
    bool Extractable,
    bool AlwaysSensitive,
    bool NeverExtractable,
    bool GeneratedOnToken,
    bool Encrypt,
    bool Decrypt)
{
    public KekState State => Encrypt && Decrypt ? KekState.Enabled : KekState.Disabled;

    /// <summary>The policy every KEK object must meet before it is used: on the token, sensitive, not extractable,
    /// AES-256. A length of 0 (not recorded) passes only for an imported key and only when
    /// <paramref name="acceptUnreportedLength"/> says so. Returns the reason it fails, or null.</summary>
    public KeyUnavailableReason? Violation(bool acceptUnreportedLength)
    {
        bool lengthOk = LengthBytes == Pkcs11Objects.KeyLength
            || (LengthBytes == 0 && !GeneratedOnToken && acceptUnreportedLength);
        if (!OnToken || !Sensitive || Extractable || !lengthOk)
        {
            return KeyUnavailableReason.PolicyViolation;
        }

        return State == KekState.Disabled ? KeyUnavailableReason.Disabled : null;
    }

    public KekInfo ToInfo(KekId id) => new(
        id,
        State,
        GeneratedOnToken ? KekOrigin.Generated : KekOrigin.Imported,
        LengthBytes == 0 ? null : LengthBytes,
        Sensitive,
        Extractable,
        AlwaysSensitive,
        NeverExtractable);
}
