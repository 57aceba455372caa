using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.Factories;

namespace PrivateInference.TokenVault.Keys;

/// <summary>The audit signing key, versioned: each version an EC P-256 key pair generated in the token, labelled
/// <see cref="AuditSigningLabel"/> (version 1, as before versions existed) or <c>pi-audit-signing-v{N}</c>; the private
/// half is sensitive, non-extractable and may only sign. A rotation generates the next version and destroys the older
/// versions' private halves; their public halves stay to verify what they signed.</summary>
/// <remarks>Versions are found by label, 1, 2, … up to the first missing one (PKCS#11 cannot search by prefix).
/// Two processes that generate the same version at once leave two pairs under its label; every process then uses the
/// one with the lowest <c>CKA_ID</c>, so checkpoints signed after that moment all name one key.</remarks>
public sealed partial class Pkcs11KekProvider
{
    /// <summary>The label of the audit signing key pair's version 1 in the token; version N &gt; 1 adds <c>-vN</c>.</summary>
    public const string AuditSigningLabel = "pi-audit-signing";

    // DER of the OID 1.2.840.10045.3.1.7 (prime256v1 / P-256), as CKA_EC_PARAMS takes it.
    private static readonly byte[] P256Parameters = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
    private const int P256CoordinateLength = 32;

    /// <summary>The token label of audit signing key version <paramref name="version"/>.</summary>
    public static string AuditSigningKeyLabel(int version) =>
        version == 1 ? AuditSigningLabel : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{AuditSigningLabel}-v{version}");

    /// <inheritdoc />
    public byte[] SignAuditCheckpoint(int version, ReadOnlySpan<byte> message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        byte[] digest = SHA256.HashData(message);
        return Execute(null, session =>
        {
            IObjectHandle privateKey;
            lock (_lifecycleGate)
            {
                List<(IObjectHandle Handle, string Id)> publicKeys = AuditSigningPublicKeys(session, version);
                List<(IObjectHandle Handle, string Id)> privateKeys = publicKeys.Count == 0
                    ? []
                    : AuditSigningObjects(session, CKO.CKO_PRIVATE_KEY, version, Convert.FromHexString(publicKeys.MinBy(k => k.Id, StringComparer.Ordinal).Id));
                privateKey = privateKeys.Count == 1 ? privateKeys[0].Handle : throw new KeyUnavailableException(KeyUnavailableReason.NotFound);
            }

            using IMechanism mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA);
            return session.Sign(mechanism, privateKey, digest);
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<AuditSigningKey> GetAuditSigningKeys() => Execute(null, session =>
    {
        lock (_lifecycleGate)
        {
            List<AuditSigningKey> keys = AuditSigningVersions(session);
            if (keys.Count == 0)
            {
                GenerateAuditSigningKeyPair(session, 1);
                keys = AuditSigningVersions(session);
            }

            return (IReadOnlyList<AuditSigningKey>)keys;
        }
    });

    /// <inheritdoc />
    public int RotateAuditSigningKey() => Execute(null, session =>
    {
        lock (_lifecycleGate)
        {
            List<AuditSigningKey> keys = AuditSigningVersions(session);
            int next = keys.Count == 0 ? 1 : keys[^1].Version + 1;
            GenerateAuditSigningKeyPair(session, next);

            // Retire the older versions: they can no longer sign, and their public halves stay to verify.
            foreach (AuditSigningKey older in keys)
            {
                foreach ((IObjectHandle handle, string _) in AuditSigningObjects(session, CKO.CKO_PRIVATE_KEY, older.Version, id: null))
                {
                    session.DestroyObject(handle);
                }
            }

            return next;
        }
    });

    /// <summary>The security attributes of version <paramref name="version"/>'s private key objects as the token reports
    /// them (none once retired): for inventories and the tests that pin the key policy.</summary>
    internal IReadOnlyList<AuditSigningKeyFacts> DescribeAuditSigningPrivateKeys(int version) => Execute(null, session =>
        (IReadOnlyList<AuditSigningKeyFacts>)AuditSigningObjects(session, CKO.CKO_PRIVATE_KEY, version, id: null).ConvertAll(key =>
        {
            List<IObjectAttribute> values = session.GetAttributeValue(key.Handle,
                [CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_NEVER_EXTRACTABLE, CKA.CKA_LOCAL, CKA.CKA_SIGN, CKA.CKA_DECRYPT, CKA.CKA_UNWRAP, CKA.CKA_DERIVE]);
            try
            {
                return new AuditSigningKeyFacts(values[0].GetValueAsBool(), values[1].GetValueAsBool(), values[2].GetValueAsBool(), values[3].GetValueAsBool(),
                    values[4].GetValueAsBool(), values[5].GetValueAsBool() || values[6].GetValueAsBool() || values[7].GetValueAsBool());
            }
            finally
            {
                Pkcs11Objects.DisposeAll(values);
            }
        }));

    /// <summary>Versions 1, 2, … up to the first without a public key in the token, each with the public half of its pair
    /// with the lowest <c>CKA_ID</c>.</summary>
    private static List<AuditSigningKey> AuditSigningVersions(ISession session)
    {
        var keys = new List<AuditSigningKey>();
        for (int version = 1; ; version++)
        {
            List<(IObjectHandle Handle, string Id)> publicKeys = AuditSigningPublicKeys(session, version);
            if (publicKeys.Count == 0)
            {
                return keys;
            }

            keys.Add(new AuditSigningKey(version, SubjectPublicKeyInfo(session, publicKeys.MinBy(k => k.Id, StringComparer.Ordinal).Handle)));
        }
    }

    private static List<(IObjectHandle Handle, string Id)> AuditSigningPublicKeys(ISession session, int version) =>
        AuditSigningObjects(session, CKO.CKO_PUBLIC_KEY, version, id: null);

    private static byte[] SubjectPublicKeyInfo(ISession session, IObjectHandle publicKey)
    {
        List<IObjectAttribute> values = session.GetAttributeValue(publicKey, [CKA.CKA_EC_POINT]);
        byte[] point;
        try
        {
            point = values[0].GetValueAsByteArray();
        }
        finally
        {
            Pkcs11Objects.DisposeAll(values);
        }

        // CKA_EC_POINT is the DER OCTET STRING of the uncompressed point (0x04 ‖ X ‖ Y); some modules give it bare.
        const int Uncompressed = 1 + (2 * P256CoordinateLength);
        ReadOnlySpan<byte> q = point.Length == Uncompressed + 2 && point[0] == 0x04 && point[1] == Uncompressed ? point.AsSpan(2) : point;
        if (q.Length != Uncompressed || q[0] != 0x04)
        {
            throw new KeyUnavailableException(KeyUnavailableReason.PolicyViolation);
        }

        using ECDsa key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = q.Slice(1, P256CoordinateLength).ToArray(), Y = q.Slice(1 + P256CoordinateLength, P256CoordinateLength).ToArray() },
        });
        return key.ExportSubjectPublicKeyInfo();
    }

    private static List<(IObjectHandle Handle, string Id)> AuditSigningObjects(ISession session, CKO objectClass, int version, byte[]? id)
    {
        IObjectAttributeFactory attributes = session.Factories.ObjectAttributeFactory;
        List<IObjectAttribute> template =
        [
            attributes.Create(CKA.CKA_CLASS, objectClass),
            attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_EC),
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_LABEL, AuditSigningKeyLabel(version)),
        ];
        if (id is not null)
        {
            template.Add(attributes.Create(CKA.CKA_ID, id));
        }

        return Pkcs11Objects.FindAll(session, template).ConvertAll(handle =>
        {
            List<IObjectAttribute> values = session.GetAttributeValue(handle, [CKA.CKA_ID]);
            try
            {
                return (handle, Convert.ToHexStringLower(values[0].GetValueAsByteArray() ?? []));
            }
            finally
            {
                Pkcs11Objects.DisposeAll(values);
            }
        });
    }

    private static void GenerateAuditSigningKeyPair(ISession session, int version)
    {
        IObjectAttributeFactory attributes = session.Factories.ObjectAttributeFactory;
        byte[] id = RandomNumberGenerator.GetBytes(16);
        List<IObjectAttribute> publicTemplate =
        [
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_EC_PARAMS, P256Parameters),
            attributes.Create(CKA.CKA_VERIFY, true),
            attributes.Create(CKA.CKA_ENCRYPT, false),
            attributes.Create(CKA.CKA_WRAP, false),
            attributes.Create(CKA.CKA_LABEL, AuditSigningKeyLabel(version)),
            attributes.Create(CKA.CKA_ID, id),
        ];
        List<IObjectAttribute> privateTemplate =
        [
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_PRIVATE, true),
            attributes.Create(CKA.CKA_SENSITIVE, true),
            attributes.Create(CKA.CKA_EXTRACTABLE, false),
            attributes.Create(CKA.CKA_SIGN, true),
            attributes.Create(CKA.CKA_DECRYPT, false),
            attributes.Create(CKA.CKA_UNWRAP, false),
            attributes.Create(CKA.CKA_DERIVE, false),
            attributes.Create(CKA.CKA_LABEL, AuditSigningKeyLabel(version)),
            attributes.Create(CKA.CKA_ID, id),
        ];
        try
        {
            using IMechanism mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_EC_KEY_PAIR_GEN);
            session.GenerateKeyPair(mechanism, publicTemplate, privateTemplate, out _, out _);
        }
        finally
        {
            Pkcs11Objects.DisposeAll(publicTemplate);
            Pkcs11Objects.DisposeAll(privateTemplate);
        }
    }
}

/// <summary>What the token says about an audit signing private key: the policy is sensitive, never extractable, generated
/// in the token, sign only.</summary>
internal sealed record AuditSigningKeyFacts(bool Sensitive, bool Extractable, bool NeverExtractable, bool GeneratedOnToken, bool Sign, bool DecryptUnwrapOrDerive);
