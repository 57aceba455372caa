using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.Factories;

namespace PrivateInference.TokenVault.Keys;

/// <summary>The audit signing key: an EC P-256 key pair generated in the token on first use, labelled
/// <see cref="AuditSigningLabel"/>; the private half is sensitive, non-extractable and may only sign.</summary>
/// <remarks>Two processes that generate it at once leave two pairs; every process then uses the one with the lowest
/// <c>CKA_ID</c>, so checkpoints signed after that moment all name one key.</remarks>
public sealed partial class Pkcs11KekProvider
{
    /// <summary>The label of the audit signing key pair in the token.</summary>
    public const string AuditSigningLabel = "pi-audit-signing";

    // DER of the OID 1.2.840.10045.3.1.7 (prime256v1 / P-256), as CKA_EC_PARAMS takes it.
    private static readonly byte[] P256Parameters = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
    private const int P256CoordinateLength = 32;

    /// <inheritdoc />
    public byte[] SignAuditCheckpoint(ReadOnlySpan<byte> message)
    {
        byte[] digest = SHA256.HashData(message);
        return Execute(null, session =>
        {
            IObjectHandle privateKey = AuditSigningKeyPair(session).Private;
            using IMechanism mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA);
            return session.Sign(mechanism, privateKey, digest);
        });
    }

    /// <inheritdoc />
    public byte[] GetAuditSigningPublicKey() => Execute(null, session =>
    {
        IObjectHandle publicKey = AuditSigningKeyPair(session).Public;
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
    });

    private (IObjectHandle Private, IObjectHandle Public) AuditSigningKeyPair(ISession session)
    {
        lock (_lifecycleGate)
        {
            List<(IObjectHandle Handle, string Id)> privateKeys = AuditSigningObjects(session, CKO.CKO_PRIVATE_KEY, id: null);
            if (privateKeys.Count == 0)
            {
                GenerateAuditSigningKeyPair(session);
                privateKeys = AuditSigningObjects(session, CKO.CKO_PRIVATE_KEY, id: null);
            }

            (IObjectHandle privateKey, string chosen) = privateKeys.MinBy(k => k.Id, StringComparer.Ordinal);
            List<(IObjectHandle Handle, string Id)> publicKeys = AuditSigningObjects(session, CKO.CKO_PUBLIC_KEY, Convert.FromHexString(chosen));
            return publicKeys.Count == 1 ? (privateKey, publicKeys[0].Handle) : throw new KeyUnavailableException(KeyUnavailableReason.PolicyViolation);
        }
    }

    private static List<(IObjectHandle Handle, string Id)> AuditSigningObjects(ISession session, CKO objectClass, byte[]? id)
    {
        IObjectAttributeFactory attributes = session.Factories.ObjectAttributeFactory;
        List<IObjectAttribute> template =
        [
            attributes.Create(CKA.CKA_CLASS, objectClass),
            attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_EC),
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_LABEL, AuditSigningLabel),
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

    private static void GenerateAuditSigningKeyPair(ISession session)
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
            attributes.Create(CKA.CKA_LABEL, AuditSigningLabel),
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
            attributes.Create(CKA.CKA_LABEL, AuditSigningLabel),
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
