using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.Factories;
using Net.Pkcs11Interop.HighLevelAPI.MechanismParams;

namespace PrivateInference.TokenVault.Keys;

/// <summary>BYOK: the customer's AES-256 key material is unwrapped inside the token, never in this process.</summary>
/// <remarks>
/// <para>
/// <see cref="GetImportPublicKey"/> generates an RSA-3072 pair in the token. The private key is a token object,
/// sensitive, non-extractable, <c>CKA_UNWRAP</c> only (no decrypt, sign or derive), and carries a
/// <c>CKA_UNWRAP_TEMPLATE</c>: the token itself refuses to unwrap anything through it but a sensitive,
/// non-extractable AES key. The public key is a session object, read once and destroyed.
/// </para>
/// <para>
/// <see cref="Import"/> calls <c>C_UnwrapKey</c> with <c>CKM_RSA_PKCS_OAEP</c> into the KEK template, checks
/// the new object against the KEK policy (destroying it if it fails), and destroys the import key.
/// <c>CKM_RSA_AES_KEY_WRAP</c> (<see cref="ImportWrapping.RsaAesKeyWrapSha256"/>, <see cref="ImportWrapping.RsaAesKeyWrapSha1"/>)
/// is refused as NotSupported: SoftHSM 2.6 does not implement it (CKR_MECHANISM_INVALID for C_GetMechanismInfo and
/// C_UnwrapKey), so it could not be tested here.
/// </para>
/// </remarks>
public sealed partial class Pkcs11KekProvider
{
    private static readonly byte[] PublicExponent = [0x01, 0x00, 0x01];
    private static readonly ImportWrapping[] OaepWrappings = [ImportWrapping.RsaOaepSha256, ImportWrapping.RsaOaepSha1];

    // The OAEP hashes this module performs, tried once on the first import key (see ProbeWrappings).
    private IReadOnlyList<ImportWrapping>? _importWrappings;

    /// <inheritdoc />
    public ImportPublicKey GetImportPublicKey(string name)
    {
        KekId.ThrowIfInvalidName(name);
        DateTimeOffset now = _time.GetUtcNow();
        // Whole seconds: the expiry travels in the object label and must read back equal.
        DateTimeOffset expiresAt = DateTimeOffset.FromUnixTimeSeconds((now + ImportPublicKey.Lifetime).ToUnixTimeSeconds());
        ImportKeyId id = ImportKeyId.New();

        return Execute(kekId: null, session =>
        {
            DestroyExpiredImportKeys(session, name, now);
            IObjectHandle privateKey = GenerateImportKeyPair(session, Pkcs11Objects.ImportKeyLabel(name, expiresAt), id.ToBytes(), out RSAParameters publicKey);
            try
            {
                using RSA rsa = RSA.Create(publicKey);
                IReadOnlyList<ImportWrapping> wrappings = _importWrappings ??= ProbeWrappings(session, privateKey, rsa);
                return new ImportPublicKey(id, name, rsa.ExportSubjectPublicKeyInfo(), expiresAt, wrappings);
            }
            catch
            {
                // No import key the caller never heard of stays behind.
                session.DestroyObject(privateKey);
                throw;
            }
        });
    }

    /// <inheritdoc />
    public void Import(KekId target, ImportKeyId importKeyId, ReadOnlySpan<byte> wrappedKeyMaterial, ImportWrapping wrapping)
    {
        if (!Enum.IsDefined(wrapping))
        {
            throw new ArgumentOutOfRangeException(nameof(wrapping));
        }

        if (wrapping is ImportWrapping.RsaAesKeyWrapSha256 or ImportWrapping.RsaAesKeyWrapSha1)
        {
            throw new KeyUnavailableException(KeyUnavailableReason.NotSupported, target);
        }

        // RSA-OAEP output is exactly one modulus long; anything else cannot decrypt.
        if (wrappedKeyMaterial.Length != ImportPublicKey.KeySizeBits / 8)
        {
            throw new KeyUnavailableException(KeyUnavailableReason.IntegrityCheckFailed, target);
        }

        byte[] wrapped = wrappedKeyMaterial.ToArray();
        DateTimeOffset now = _time.GetUtcNow();
        Execute(target, session =>
        {
            lock (_lifecycleGate)
            {
                ThrowIfDestroyedOrExists(session, target);
                IObjectHandle importKey = FindImportKey(session, target, importKeyId, now);
                IObjectHandle kek = UnwrapIntoKek(session, importKey, wrapped, wrapping, target);
                if (Pkcs11Objects.ReadFacts(session, kek).Violation(_acceptUnreportedLength) is { } violation)
                {
                    session.DestroyObject(kek);
                    throw new KeyUnavailableException(violation, target);
                }

                // One import key, one import: a copy of the wrapped bytes cannot be imported again.
                session.DestroyObject(importKey);
            }

            return true;
        });
    }

    private static IObjectHandle GenerateImportKeyPair(ISession session, string label, byte[] id, out RSAParameters publicKey)
    {
        IObjectAttributeFactory attributes = session.Factories.ObjectAttributeFactory;
        List<IObjectAttribute> unwrapTemplate = Pkcs11Objects.SensitiveAesKey(session);
        List<IObjectAttribute> publicTemplate =
        [
            attributes.Create(CKA.CKA_TOKEN, false),
            attributes.Create(CKA.CKA_MODULUS_BITS, (ulong)ImportPublicKey.KeySizeBits),
            attributes.Create(CKA.CKA_PUBLIC_EXPONENT, PublicExponent),
            attributes.Create(CKA.CKA_ENCRYPT, false),
            attributes.Create(CKA.CKA_WRAP, true),
            attributes.Create(CKA.CKA_VERIFY, false),
            attributes.Create(CKA.CKA_LABEL, label),
            attributes.Create(CKA.CKA_ID, id),
        ];
        List<IObjectAttribute> privateTemplate =
        [
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_PRIVATE, true),
            attributes.Create(CKA.CKA_SENSITIVE, true),
            attributes.Create(CKA.CKA_EXTRACTABLE, false),
            attributes.Create(CKA.CKA_UNWRAP, true),
            attributes.Create(CKA.CKA_DECRYPT, false),
            attributes.Create(CKA.CKA_SIGN, false),
            attributes.Create(CKA.CKA_SIGN_RECOVER, false),
            attributes.Create(CKA.CKA_DERIVE, false),
            attributes.Create(CKA.CKA_LABEL, label),
            attributes.Create(CKA.CKA_ID, id),
            attributes.Create(CKA.CKA_UNWRAP_TEMPLATE, unwrapTemplate),
        ];
        try
        {
            using IMechanism mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN);
            session.GenerateKeyPair(mechanism, publicTemplate, privateTemplate, out IObjectHandle publicHandle, out IObjectHandle privateHandle);
            try
            {
                List<IObjectAttribute> values = session.GetAttributeValue(publicHandle, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
                try
                {
                    publicKey = new RSAParameters
                    {
                        Modulus = values[0].GetValueAsByteArray(),
                        Exponent = values[1].GetValueAsByteArray(),
                    };
                }
                finally
                {
                    Pkcs11Objects.DisposeAll(values);
                }
            }
            catch
            {
                session.DestroyObject(privateHandle);
                throw;
            }
            finally
            {
                session.DestroyObject(publicHandle);
            }

            return privateHandle;
        }
        finally
        {
            Pkcs11Objects.DisposeAll(privateTemplate);
            Pkcs11Objects.DisposeAll(publicTemplate);
            Pkcs11Objects.DisposeAll(unwrapTemplate);
        }
    }

    /// <summary>Which OAEP hashes the module unwraps with, found by unwrapping a random 32-byte value under each
    /// into a session object that is destroyed at once. A module's mechanism list cannot tell: SoftHSM 2.6
    /// lists <c>CKM_RSA_PKCS_OAEP</c> and then refuses every hash but SHA-1 with CKR_ARGUMENTS_BAD.</summary>
    private static List<ImportWrapping> ProbeWrappings(ISession session, IObjectHandle privateKey, RSA publicKey)
    {
        IObjectAttributeFactory attributes = session.Factories.ObjectAttributeFactory;
        var supported = new List<ImportWrapping>();
        foreach (ImportWrapping wrapping in OaepWrappings)
        {
            byte[] probe = RandomNumberGenerator.GetBytes(KeyLength);
            byte[] wrapped = publicKey.Encrypt(probe, wrapping == ImportWrapping.RsaOaepSha256 ? RSAEncryptionPadding.OaepSHA256 : RSAEncryptionPadding.OaepSHA1);
            CryptographicOperations.ZeroMemory(probe);
            List<IObjectAttribute> template =
            [
                .. Pkcs11Objects.SensitiveAesKey(session),
                attributes.Create(CKA.CKA_TOKEN, false),
                attributes.Create(CKA.CKA_ENCRYPT, false),
                attributes.Create(CKA.CKA_DECRYPT, false),
            ];
            try
            {
                session.DestroyObject(WithOaep(session, wrapping, mechanism => session.UnwrapKey(mechanism, privateKey, wrapped, template)));
                supported.Add(wrapping);
            }
            catch (Pkcs11Exception e) when (IsUnsupportedMechanism(e.RV))
            {
                // Not this hash; the list says so.
            }
            finally
            {
                Pkcs11Objects.DisposeAll(template);
            }
        }

        return supported;
    }

    private static IObjectHandle UnwrapIntoKek(ISession session, IObjectHandle importKey, byte[] wrapped, ImportWrapping wrapping, KekId target)
    {
        List<IObjectAttribute> template = Pkcs11Objects.KekTemplate(session, target.Label);
        try
        {
            return WithOaep(session, wrapping, mechanism => session.UnwrapKey(mechanism, importKey, wrapped, template));
        }
        catch (Pkcs11Exception e) when (ImportFailure(e.RV) is { } reason)
        {
            throw new KeyUnavailableException(reason, target, e);
        }
        finally
        {
            Pkcs11Objects.DisposeAll(template);
        }
    }

    /// <summary>What a failed <c>C_UnwrapKey</c> of customer key material means; null for a provider failure.</summary>
    /// <remarks>SoftHSM 2.6 reports a wrong OAEP hash as CKR_ARGUMENTS_BAD and bytes that fail OAEP decoding as
    /// CKR_GENERAL_ERROR; PKCS#11 names CKR_MECHANISM_PARAM_INVALID and CKR_WRAPPED_KEY_INVALID for them.</remarks>
    private static KeyUnavailableReason? ImportFailure(CKR rv) => rv switch
    {
        _ when IsUnsupportedMechanism(rv) => KeyUnavailableReason.NotSupported,
        CKR.CKR_WRAPPED_KEY_INVALID or CKR.CKR_WRAPPED_KEY_LEN_RANGE or CKR.CKR_ENCRYPTED_DATA_INVALID
            or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE or CKR.CKR_GENERAL_ERROR => KeyUnavailableReason.IntegrityCheckFailed,
        // The import key's CKA_UNWRAP_TEMPLATE refused the result.
        CKR.CKR_TEMPLATE_INCONSISTENT => KeyUnavailableReason.PolicyViolation,
        _ => null,
    };

    private static bool IsUnsupportedMechanism(CKR rv) =>
        rv is CKR.CKR_MECHANISM_INVALID or CKR.CKR_MECHANISM_PARAM_INVALID or CKR.CKR_ARGUMENTS_BAD;

    private static T WithOaep<T>(ISession session, ImportWrapping wrapping, Func<IMechanism, T> operation)
    {
        (CKM hash, CKG mgf) = wrapping switch
        {
            ImportWrapping.RsaOaepSha256 => (CKM.CKM_SHA256, CKG.CKG_MGF1_SHA256),
            ImportWrapping.RsaOaepSha1 => (CKM.CKM_SHA_1, CKG.CKG_MGF1_SHA1),
            _ => throw new ArgumentOutOfRangeException(nameof(wrapping)),
        };
        // The parameters must outlive the call: the mechanism points into them.
        using ICkRsaPkcsOaepParams parameters = session.Factories.MechanismParamsFactory.CreateCkRsaPkcsOaepParams(
            (ulong)hash, (ulong)mgf, (ulong)CKZ.CKZ_DATA_SPECIFIED, null);
        using IMechanism mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_OAEP, parameters);
        return operation(mechanism);
    }

    /// <summary>The import key for <paramref name="target"/>'s name with this id; an expired one is destroyed and reported.</summary>
    private static IObjectHandle FindImportKey(ISession session, KekId target, ImportKeyId importKeyId, DateTimeOffset now)
    {
        foreach ((IObjectHandle key, string label) in Pkcs11Objects.FindImportKeys(session, importKeyId.ToBytes()))
        {
            if (Pkcs11Objects.TryParseImportKeyLabel(label, out string name, out DateTimeOffset expiresAt) && name == target.Name)
            {
                if (now >= expiresAt)
                {
                    session.DestroyObject(key);
                    throw new KeyUnavailableException(KeyUnavailableReason.Expired, target);
                }

                return key;
            }
        }

        // Unknown, already used, or made for another KEK name: the same answer for all three.
        throw new KeyUnavailableException(KeyUnavailableReason.NotFound, target);
    }

    private static void DestroyExpiredImportKeys(ISession session, string name, DateTimeOffset now)
    {
        foreach ((IObjectHandle key, string label) in Pkcs11Objects.FindImportKeys(session, id: null))
        {
            if (Pkcs11Objects.TryParseImportKeyLabel(label, out string keyName, out DateTimeOffset expiresAt) && keyName == name && now >= expiresAt)
            {
                session.DestroyObject(key);
            }
        }
    }
}
