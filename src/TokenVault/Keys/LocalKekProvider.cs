using System.Globalization;
using System.Security.Cryptography;

namespace PrivateInference.TokenVault.Keys;

/// <summary>
/// DEVELOPMENT ONLY. KEKs as plain AES-256 key files in a directory (the CLI passes <c>$PI_HOME/keys/</c>):
/// the embedded default that needs no HSM. Anyone who can read the directory can decrypt every value the vault
/// holds. <see cref="IsDevelopmentOnly"/> is true; hosts print <see cref="Warning"/> when they use it.
/// </summary>
/// <remarks>
/// <para>
/// Same contract and wire format as <see cref="Pkcs11KekProvider"/>: AES-256-GCM with a random 12-byte IV and the
/// caller's AAD, output IV ‖ ciphertext ‖ tag; versions; enable, disable, destroy with a tombstone; BYOK import
/// of AES-256 key material wrapped under an RSA-3072 import key kept beside the KEKs, with RSA-OAEP (SHA-256 or
/// SHA-1) or RSA-AES key wrap (<see cref="ImportWrapping.RsaAesKeyWrapSha256"/> and <c>Sha1</c>, RFC 5649 via
/// <c>Aes.DecryptKeyWrapPadded</c>). Files and layout: <see cref="LocalKeyDirectory"/>.
/// </para>
/// <para>
/// Key bytes live only in pinned arrays that are wiped in <c>finally</c>; every operation reads the key file
/// again, so a disable or destroy by another process takes effect on the next call.
/// </para>
/// </remarks>
public sealed class LocalKekProvider : IKekProvider
{
    /// <summary>What a host prints (and what <c>DEVELOPMENT-ONLY-KEYS.txt</c> in the key directory says).</summary>
    public const string Warning =
        "DEVELOPMENT ONLY: the local KEK provider keeps key-encryption keys in plain files; anyone who can read the " +
        "key directory can decrypt every vaulted value. Set PI_PKCS11_MODULE, PI_PKCS11_TOKEN and PI_PKCS11_PIN to keep KEKs in an HSM.";

    private const int KeyLength = 32;
    private const int IvLength = 12;
    private const int TagLength = 16;

    private static readonly ImportWrapping[] Wrappings = Enum.GetValues<ImportWrapping>();

    private readonly LocalKeyDirectory _directory;
    private readonly TimeProvider _time;

    /// <summary>Uses (and creates, 0700) the key directory.</summary>
    /// <exception cref="InvalidOperationException">The directory is readable or writable by other users.</exception>
    public LocalKekProvider(string directory, TimeProvider? timeProvider = null)
    {
        _directory = new LocalKeyDirectory(directory);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    /// <remarks>Development only, like the KEKs: each version's private key is a PKCS#8 file (0600) in the key directory,
    /// <c>audit-signing-development-only.p8</c> for version 1 (as before versions existed), <c>….vN.p8</c> after it.</remarks>
    public byte[] SignAuditCheckpoint(int version, ReadOnlySpan<byte> message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        using var key = ReadAuditSigningKey(AuditSigningPrivateFile(version)) ?? throw new KeyUnavailableException(KeyUnavailableReason.NotFound);
        return key.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <inheritdoc />
    public IReadOnlyList<AuditSigningKey> GetAuditSigningKeys()
    {
        var keys = AuditSigningVersions();
        if (keys.Count > 0)
        {
            return keys;
        }

        return Change(kekId: null, () =>
        {
            var locked = AuditSigningVersions();
            if (locked.Count == 0)
            {
                WriteAuditSigningKey(1);
                locked = AuditSigningVersions();
            }

            return locked;
        });
    }

    /// <inheritdoc />
    /// <remarks>A retired version keeps its public key as <c>audit-signing.vN.spki</c>, written before its private key file
    /// is shredded, so a reader always finds one of the two.</remarks>
    public int RotateAuditSigningKey() => Change(kekId: null, () =>
    {
        var keys = AuditSigningVersions();
        int next = keys.Count == 0 ? 1 : keys[^1].Version + 1;
        WriteAuditSigningKey(next);
        foreach (var older in keys)
        {
            string publicFile = AuditSigningPublicFile(older.Version);
            if (!File.Exists(publicFile))
            {
                File.WriteAllBytes(publicFile, older.PublicKey);
            }

            LocalKeyDirectory.Shred(AuditSigningPrivateFile(older.Version));
        }

        return next;
    });

    private string AuditSigningPrivateFile(int version) => System.IO.Path.Combine(_directory.Path,
        version == 1 ? "audit-signing-development-only.p8" : string.Create(CultureInfo.InvariantCulture, $"audit-signing-development-only.v{version}.p8"));

    private string AuditSigningPublicFile(int version) =>
        System.IO.Path.Combine(_directory.Path, string.Create(CultureInfo.InvariantCulture, $"audit-signing.v{version}.spki"));

    /// <summary>Versions 1, 2, … up to the first with neither a private key file nor a retired public key file.</summary>
    private List<AuditSigningKey> AuditSigningVersions() => Guard(kekId: null, () =>
    {
        var keys = new List<AuditSigningKey>();
        for (int version = 1; ; version++)
        {
            using var key = ReadAuditSigningKey(AuditSigningPrivateFile(version));
            if (key is not null)
            {
                keys.Add(new AuditSigningKey(version, key.ExportSubjectPublicKeyInfo()));
            }
            else if (File.Exists(AuditSigningPublicFile(version)))
            {
                keys.Add(new AuditSigningKey(version, File.ReadAllBytes(AuditSigningPublicFile(version))));
            }
            else
            {
                return keys;
            }
        }
    });

    /// <summary>A new P-256 private key file (0600) for <paramref name="version"/>; fails if it exists.</summary>
    private void WriteAuditSigningKey(int version)
    {
        using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pkcs8 = fresh.ExportPkcs8PrivateKey();
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var file = new FileStream(AuditSigningPrivateFile(version), options);
            file.Write(pkcs8);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>The private key in <paramref name="path"/>; null when there is no such file (a version never made, or retired).</summary>
    private static ECDsa? ReadAuditSigningKey(string path)
    {
        var key = ECDsa.Create();
        try
        {
            var stored = File.ReadAllBytes(path);
            try
            {
                key.ImportPkcs8PrivateKey(stored, out _);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(stored);
            }

            return key;
        }
        catch (FileNotFoundException)
        {
            key.Dispose();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            key.Dispose();
            throw new KeyUnavailableException(KeyUnavailableReason.ProviderFailure, e);
        }
    }

    /// <summary>The key directory, full path.</summary>
    public string Directory => _directory.Path;

    /// <inheritdoc />
    public string Kind => "local";

    /// <inheritdoc />
    public bool IsDevelopmentOnly => true;

    /// <inheritdoc />
    public void EnsureKey(KekId kekId, bool create)
    {
        if (create)
        {
            Change(kekId, () =>
            {
                ThrowIfDestroyed(kekId);
                if (!File.Exists(_directory.KekFile(kekId, KekState.Enabled)) && !File.Exists(_directory.KekFile(kekId, KekState.Disabled)))
                {
                    Generate(kekId);
                }

                return true;
            });
        }

        CryptographicOperations.ZeroMemory(ReadKey(kekId));
    }

    /// <inheritdoc />
    public byte[] Wrap(KekId kekId, ReadOnlySpan<byte> plaintextKey, ReadOnlySpan<byte> aad)
    {
        if (plaintextKey.IsEmpty)
        {
            throw new ArgumentException("The key to wrap is empty.", nameof(plaintextKey));
        }

        byte[] kek = ReadKey(kekId);
        try
        {
            var wrapped = new byte[IvLength + plaintextKey.Length + TagLength];
            Span<byte> iv = wrapped.AsSpan(0, IvLength);
            RandomNumberGenerator.Fill(iv);
            using var gcm = new AesGcm(kek, TagLength);
            gcm.Encrypt(iv, plaintextKey, wrapped.AsSpan(IvLength, plaintextKey.Length), wrapped.AsSpan(IvLength + plaintextKey.Length), aad);
            return wrapped;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <inheritdoc />
    public byte[] Unwrap(KekId kekId, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> aad)
    {
        if (wrapped.Length <= IvLength + TagLength)
        {
            throw new KeyUnavailableException(KeyUnavailableReason.IntegrityCheckFailed, kekId);
        }

        byte[] kek = ReadKey(kekId);
        byte[] plaintext = GC.AllocateArray<byte>(wrapped.Length - IvLength - TagLength, pinned: true);
        try
        {
            using var gcm = new AesGcm(kek, TagLength);
            gcm.Decrypt(wrapped[..IvLength], wrapped[IvLength..^TagLength], wrapped[^TagLength..], plaintext, aad);
            return plaintext;
        }
        catch (CryptographicException e)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new KeyUnavailableException(KeyUnavailableReason.IntegrityCheckFailed, kekId, e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <inheritdoc />
    public KekInfo Describe(KekId kekId) => Guard(kekId, () =>
    {
        if (File.Exists(_directory.KekFile(kekId, KekState.Destroyed)))
        {
            return KekInfo.DestroyedVersion(kekId);
        }

        foreach (KekState state in (ReadOnlySpan<KekState>)[KekState.Enabled, KekState.Disabled])
        {
            try
            {
                byte[] key = LocalKeyDirectory.ReadPinned(_directory.KekFile(kekId, state), LocalKeyDirectory.FileKind.Kek, out byte origin, out _);
                CryptographicOperations.ZeroMemory(key);
                // Honest attributes: a file is neither sensitive nor non-extractable.
                return new KekInfo(kekId, state, (KekOrigin)origin, KeyLength, Sensitive: false, Extractable: true, AlwaysSensitive: false, NeverExtractable: false);
            }
            catch (FileNotFoundException)
            {
                // Try the other state; the file may just have been renamed.
            }
        }

        throw new KeyUnavailableException(KeyUnavailableReason.NotFound, kekId);
    });

    /// <inheritdoc />
    public IReadOnlyList<KekInfo> List(string name)
    {
        KekId.ThrowIfInvalidName(name);
        return Guard(kekId: null, () =>
        {
            var versions = new SortedSet<int>();
            foreach ((KekId id, KekState _) in _directory.Versions(name))
            {
                versions.Add(id.Version);
            }

            var infos = new List<KekInfo>(versions.Count);
            foreach (int version in versions)
            {
                try
                {
                    infos.Add(Describe(new KekId(name, version)));
                }
                catch (KeyUnavailableException e) when (e.Reason == KeyUnavailableReason.NotFound)
                {
                    // Destroyed and shredded between listing and reading: the tombstone comes first, so this is a race only.
                }
            }

            return (IReadOnlyList<KekInfo>)infos;
        });
    }

    /// <inheritdoc />
    public void Create(KekId kekId) => Change(kekId, () =>
    {
        ThrowIfDestroyedOrExists(kekId);
        Generate(kekId);
        return true;
    });

    /// <inheritdoc />
    public void Disable(KekId kekId) => Move(kekId, KekState.Enabled, KekState.Disabled);

    /// <inheritdoc />
    public void Enable(KekId kekId) => Move(kekId, KekState.Disabled, KekState.Enabled);

    /// <inheritdoc />
    public void Destroy(KekId kekId) => Change(kekId, () =>
    {
        string enabled = _directory.KekFile(kekId, KekState.Enabled);
        string disabled = _directory.KekFile(kekId, KekState.Disabled);
        string tombstone = _directory.KekFile(kekId, KekState.Destroyed);
        bool destroyedBefore = File.Exists(tombstone);
        if (!destroyedBefore && !File.Exists(enabled) && !File.Exists(disabled))
        {
            throw new KeyUnavailableException(KeyUnavailableReason.NotFound, kekId);
        }

        // Tombstone first: a crash before the shredding still reads as destroyed, and the next Destroy finishes.
        if (!destroyedBefore)
        {
            LocalKeyDirectory.WriteNew(tombstone, LocalKeyDirectory.FileKind.Tombstone, 0, _time.GetUtcNow(), []);
        }

        LocalKeyDirectory.Shred(enabled);
        LocalKeyDirectory.Shred(disabled);
        return true;
    });

    /// <inheritdoc />
    public ImportPublicKey GetImportPublicKey(string name)
    {
        KekId.ThrowIfInvalidName(name);
        DateTimeOffset now = _time.GetUtcNow();
        DateTimeOffset expiresAt = now + ImportPublicKey.Lifetime;
        ImportKeyId id = ImportKeyId.New();

        return Change(kekId: null, () =>
        {
            DestroyExpiredImportKeys(name, now);
            using var rsa = RSA.Create(ImportPublicKey.KeySizeBits);
            byte[] privateKey = GC.AllocateArray<byte>(8 * 1024, pinned: true);
            try
            {
                if (!rsa.TryExportPkcs8PrivateKey(privateKey, out int length))
                {
                    throw new KeyUnavailableException(KeyUnavailableReason.ProviderFailure);
                }

                LocalKeyDirectory.WriteNew(_directory.ImportKeyFile(name, id), LocalKeyDirectory.FileKind.ImportKey, 0, expiresAt, privateKey.AsSpan(0, length));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(privateKey);
            }

            return new ImportPublicKey(id, name, rsa.ExportSubjectPublicKeyInfo(), expiresAt, Wrappings);
        });
    }

    /// <inheritdoc />
    public void Import(KekId target, ImportKeyId importKeyId, ReadOnlySpan<byte> wrappedKeyMaterial, ImportWrapping wrapping)
    {
        if (!Enum.IsDefined(wrapping))
        {
            throw new ArgumentOutOfRangeException(nameof(wrapping));
        }

        byte[] wrapped = wrappedKeyMaterial.ToArray();
        DateTimeOffset now = _time.GetUtcNow();
        Change(target, () =>
        {
            ThrowIfDestroyedOrExists(target);
            string importKeyFile = _directory.ImportKeyFile(target.Name, importKeyId);
            byte[] keyMaterial = DecryptKeyMaterial(importKeyFile, wrapped, wrapping, now, target);
            try
            {
                LocalKeyDirectory.WriteNew(_directory.KekFile(target, KekState.Enabled), LocalKeyDirectory.FileKind.Kek, (byte)KekOrigin.Imported, now, keyMaterial);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(keyMaterial);
            }

            // One import key, one import.
            LocalKeyDirectory.Shred(importKeyFile);
            return true;
        });
    }

    /// <summary>Nothing to release: every operation opens and closes its files.</summary>
    public void Dispose()
    {
    }

    /// <summary>The customer's 32 key bytes, decrypted with the import key (pinned; the caller wipes them).</summary>
    private static byte[] DecryptKeyMaterial(string importKeyFile, byte[] wrapped, ImportWrapping wrapping, DateTimeOffset now, KekId target)
    {
        byte[] privateKey;
        DateTimeOffset expiresAt;
        try
        {
            privateKey = LocalKeyDirectory.ReadPinned(importKeyFile, LocalKeyDirectory.FileKind.ImportKey, out _, out expiresAt);
        }
        catch (FileNotFoundException e)
        {
            // Unknown, already used, or made for another KEK name.
            throw new KeyUnavailableException(KeyUnavailableReason.NotFound, target, e);
        }

        using var rsa = RSA.Create();
        try
        {
            rsa.ImportPkcs8PrivateKey(privateKey, out _);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }

        if (now >= expiresAt)
        {
            LocalKeyDirectory.Shred(importKeyFile);
            throw new KeyUnavailableException(KeyUnavailableReason.Expired, target);
        }

        int modulusLength = rsa.KeySize / 8;
        switch (wrapping)
        {
            case ImportWrapping.RsaOaepSha256:
            case ImportWrapping.RsaOaepSha1:
                if (wrapped.Length != modulusLength)
                {
                    throw new KeyUnavailableException(KeyUnavailableReason.IntegrityCheckFailed, target);
                }

                return RsaDecryptKey(rsa, wrapped, wrapping == ImportWrapping.RsaOaepSha256 ? RSAEncryptionPadding.OaepSHA256 : RSAEncryptionPadding.OaepSHA1, target);
            default:
                RSAEncryptionPadding padding = wrapping == ImportWrapping.RsaAesKeyWrapSha256 ? RSAEncryptionPadding.OaepSHA256 : RSAEncryptionPadding.OaepSHA1;
                return RsaAesKeyUnwrap(rsa, wrapped, modulusLength, padding, target);
        }
    }

    /// <summary>CKM_RSA_AES_KEY_WRAP: RSA-OAEP of an AES-256 key, then RFC 5649 wrap of the key material under it.</summary>
    private static byte[] RsaAesKeyUnwrap(RSA rsa, byte[] wrapped, int modulusLength, RSAEncryptionPadding padding, KekId target)
    {
        int keyWrapLength = wrapped.Length - modulusLength;
        // RFC 5649 output is a multiple of 8 bytes, at least 16.
        if (keyWrapLength < 16 || keyWrapLength % 8 != 0)
        {
            throw new KeyUnavailableException(KeyUnavailableReason.IntegrityCheckFailed, target);
        }

        byte[] ephemeral = RsaDecryptKey(rsa, wrapped.AsSpan(0, modulusLength), padding, target);
        byte[] unwrapped = GC.AllocateArray<byte>(keyWrapLength, pinned: true);
        try
        {
            using var aes = Aes.Create();
            aes.SetKey(ephemeral);
            if (!aes.TryDecryptKeyWrapPadded(wrapped.AsSpan(modulusLength), unwrapped, out int length))
            {
                throw new KeyUnavailableException(KeyUnavailableReason.IntegrityCheckFailed, target);
            }

            return CopyKey(unwrapped.AsSpan(0, length), target);
        }
        catch (CryptographicException e)
        {
            throw new KeyUnavailableException(KeyUnavailableReason.IntegrityCheckFailed, target, e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ephemeral);
            CryptographicOperations.ZeroMemory(unwrapped);
        }
    }

    private static byte[] RsaDecryptKey(RSA rsa, ReadOnlySpan<byte> wrapped, RSAEncryptionPadding padding, KekId target)
    {
        byte[] decrypted = GC.AllocateArray<byte>(rsa.KeySize / 8, pinned: true);
        try
        {
            if (!rsa.TryDecrypt(wrapped, decrypted, padding, out int length))
            {
                throw new KeyUnavailableException(KeyUnavailableReason.IntegrityCheckFailed, target);
            }

            return CopyKey(decrypted.AsSpan(0, length), target);
        }
        catch (CryptographicException e)
        {
            throw new KeyUnavailableException(KeyUnavailableReason.IntegrityCheckFailed, target, e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(decrypted);
        }
    }

    /// <summary>Exactly 32 bytes, or the key does not meet policy (AES-128 or -192 material, or not a key at all).</summary>
    private static byte[] CopyKey(ReadOnlySpan<byte> key, KekId target)
    {
        if (key.Length != KeyLength)
        {
            throw new KeyUnavailableException(KeyUnavailableReason.PolicyViolation, target);
        }

        byte[] copy = GC.AllocateArray<byte>(KeyLength, pinned: true);
        key.CopyTo(copy);
        return copy;
    }

    /// <summary>The KEK's bytes (pinned; the caller wipes them) if it is enabled and its file is private.</summary>
    private byte[] ReadKey(KekId kekId) => Guard(kekId, () =>
    {
        ThrowIfDestroyed(kekId);
        try
        {
            byte[] key = LocalKeyDirectory.ReadPinned(_directory.KekFile(kekId, KekState.Enabled), LocalKeyDirectory.FileKind.Kek, out _, out _);
            if (key.Length != KeyLength)
            {
                CryptographicOperations.ZeroMemory(key);
                throw new KeyUnavailableException(KeyUnavailableReason.PolicyViolation, kekId);
            }

            return key;
        }
        catch (FileNotFoundException)
        {
            throw new KeyUnavailableException(
                File.Exists(_directory.KekFile(kekId, KekState.Disabled)) ? KeyUnavailableReason.Disabled : KeyUnavailableReason.NotFound, kekId);
        }
    });

    private void Generate(KekId kekId)
    {
        byte[] key = GC.AllocateArray<byte>(KeyLength, pinned: true);
        try
        {
            RandomNumberGenerator.Fill(key);
            LocalKeyDirectory.WriteNew(_directory.KekFile(kekId, KekState.Enabled), LocalKeyDirectory.FileKind.Kek, (byte)KekOrigin.Generated, _time.GetUtcNow(), key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private void Move(KekId kekId, KekState from, KekState to) => Change(kekId, () =>
    {
        ThrowIfDestroyed(kekId);
        string source = _directory.KekFile(kekId, from);
        if (File.Exists(source))
        {
            File.Move(source, _directory.KekFile(kekId, to));
        }
        else if (!File.Exists(_directory.KekFile(kekId, to)))
        {
            throw new KeyUnavailableException(KeyUnavailableReason.NotFound, kekId);
        }

        return true;
    });

    private void ThrowIfDestroyed(KekId kekId)
    {
        if (File.Exists(_directory.KekFile(kekId, KekState.Destroyed)))
        {
            throw new KeyUnavailableException(KeyUnavailableReason.Destroyed, kekId);
        }
    }

    private void ThrowIfDestroyedOrExists(KekId kekId)
    {
        ThrowIfDestroyed(kekId);
        if (File.Exists(_directory.KekFile(kekId, KekState.Enabled)) || File.Exists(_directory.KekFile(kekId, KekState.Disabled)))
        {
            throw new KeyUnavailableException(KeyUnavailableReason.AlreadyExists, kekId);
        }
    }

    private void DestroyExpiredImportKeys(string name, DateTimeOffset now)
    {
        foreach (string file in _directory.ImportKeyFiles(name))
        {
            byte[] privateKey = LocalKeyDirectory.ReadPinned(file, LocalKeyDirectory.FileKind.ImportKey, out _, out DateTimeOffset expiresAt);
            CryptographicOperations.ZeroMemory(privateKey);
            if (now >= expiresAt)
            {
                LocalKeyDirectory.Shred(file);
            }
        }
    }

    private T Change<T>(KekId? kekId, Func<T> change) => Guard(kekId, () => _directory.Change(change));

    /// <summary>File system failures become ProviderFailure; the file name (a KEK label) stays out of the message.</summary>
    private static T Guard<T>(KekId? kekId, Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KeyUnavailableException(KeyUnavailableReason.ProviderFailure, kekId, e);
        }
    }
}
