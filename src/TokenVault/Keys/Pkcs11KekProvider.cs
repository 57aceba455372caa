using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.Factories;
using Net.Pkcs11Interop.HighLevelAPI.MechanismParams;
using LowLevel = Net.Pkcs11Interop.LowLevelAPI80;

namespace PrivateInference.TokenVault.Keys;

/// <summary>KEKs as AES-256 secret keys inside a PKCS#11 token (SoftHSM2 in development, a real HSM in production).</summary>
/// <remarks>
/// <para>
/// KEKs are generated inside the token as <c>CKA_TOKEN</c>, <c>CKA_SENSITIVE</c>, non-extractable
/// AES-256 keys labelled <see cref="KekId.Label"/>; keys found under that label are used only if
/// they still meet that policy. Wrapping is <c>CKM_AES_GCM</c> encryption inside the token (SoftHSM2
/// refuses <c>CKM_AES_KEY_WRAP_PAD</c> for <c>C_Encrypt</c>). Output: 12-byte random IV ‖
/// ciphertext ‖ 16-byte tag, with the caller's AAD authenticated.
/// </para>
/// <para>
/// Decryption goes through the low-level API into a pinned buffer that is wiped afterwards: the
/// high-level <c>Session.Decrypt</c> sizes its buffer from the module's length query (SoftHSM2
/// answers with the ciphertext length) and then <c>Array.Resize</c>s, leaving an unwiped copy of
/// the plaintext key on the managed heap. That path uses the 8-byte CK_ULONG, unpacked ABI
/// (Linux and macOS, 64-bit); other platforms are refused.
/// </para>
/// <para>
/// Thread-safe: operations borrow sessions from a pool; one extra session holds the login for
/// the provider's lifetime. PKCS#11 allows one initialisation per process and module, so a process
/// should hold one provider per module and dispose it only when no operation is running.
/// </para>
/// </remarks>
public sealed class Pkcs11KekProvider : IKekProvider, IDisposable
{
    private const int IvLength = 12;
    private const int TagLength = 16;
    private const int KeyLength = 32;
    private const ulong CkrAeadDecryptFailed = 0x35;

    private readonly IPkcs11Library _library;
    private readonly LowLevel.Pkcs11Library _rawLibrary;
    private readonly ISlot _slot;
    private readonly ISession _loginSession;
    private readonly ConcurrentBag<ISession> _idleSessions = [];
    private readonly ConcurrentDictionary<string, IObjectHandle> _keyHandles = new(StringComparer.Ordinal);
    private readonly Lock _createGate = new();
    private readonly int _maxIdleSessions;
    private int _disposed;

    /// <summary>Loads the module, finds the token by label and logs in.</summary>
    /// <exception cref="KeyUnavailableException">The module, the token or the login failed.</exception>
    public Pkcs11KekProvider(Pkcs11KekProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ModulePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.TokenLabel);
        ArgumentException.ThrowIfNullOrEmpty(options.Pin);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxIdleSessions);

        if (Platform.NativeULongSize != 8 || Platform.StructPackingSize != 0)
        {
            throw new PlatformNotSupportedException("Pkcs11KekProvider supports 64-bit Linux and macOS PKCS#11 modules.");
        }

        Pkcs11NativeLibraryResolver.EnsureInstalled();
        _maxIdleSessions = options.MaxIdleSessions;

        IPkcs11Library? library = null;
        LowLevel.Pkcs11Library? rawLibrary = null;
        ISession? loginSession = null;
        try
        {
            var factories = new Pkcs11InteropFactories();
            library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, options.ModulePath, AppType.MultiThreaded);

            // Same module image (dlopen is reference-counted) and no second C_Initialize: only
            // used to call C_Decrypt with a buffer this class controls.
            rawLibrary = new LowLevel.Pkcs11Library(options.ModulePath);

            _slot = FindSlot(library, options.TokenLabel);
            loginSession = _slot.OpenSession(SessionType.ReadWrite);
            LogIn(loginSession, options.Pin);
        }
        catch (Exception e)
        {
            loginSession?.Dispose();
            rawLibrary?.Dispose();
            library?.Dispose();
            if (e is KeyUnavailableException)
            {
                throw;
            }

            throw new KeyUnavailableException(KeyUnavailableReason.ProviderFailure, e);
        }

        _library = library;
        _rawLibrary = rawLibrary;
        _loginSession = loginSession;
    }

    /// <inheritdoc />
    public void EnsureKey(KekId kekId, bool create) =>
        Execute(kekId, create, static (_, _) => true);

    /// <summary>Reads the KEK's security attributes from the token.</summary>
    /// <exception cref="KeyUnavailableException">The KEK does not exist or breaks policy.</exception>
    public KekDescription Describe(KekId kekId) =>
        Execute(kekId, create: false, static (session, key) => ReadDescription(session, key));

    /// <inheritdoc />
    public byte[] Wrap(KekId kekId, ReadOnlySpan<byte> plaintextKey, ReadOnlySpan<byte> aad)
    {
        if (plaintextKey.IsEmpty)
        {
            throw new ArgumentException("The key to wrap is empty.", nameof(plaintextKey));
        }

        byte[] plaintext = GC.AllocateUninitializedArray<byte>(plaintextKey.Length, pinned: true);
        try
        {
            plaintextKey.CopyTo(plaintext);
            byte[] iv = RandomNumberGenerator.GetBytes(IvLength);
            byte[] aadBytes = aad.ToArray();

            byte[] sealedKey = Execute(kekId, create: false, (session, key) =>
            {
                using IMechanismParams gcm = CreateGcmParameters(session, iv, aadBytes);
                using IMechanism mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_GCM, gcm);
                return session.Encrypt(mechanism, key, plaintext);
            });

            var wrapped = new byte[IvLength + sealedKey.Length];
            iv.CopyTo(wrapped, 0);
            sealedKey.CopyTo(wrapped, IvLength);
            return wrapped;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <inheritdoc />
    public byte[] Unwrap(KekId kekId, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> aad)
    {
        if (wrapped.Length <= IvLength + TagLength)
        {
            throw new KeyUnavailableException(KeyUnavailableReason.IntegrityCheckFailed);
        }

        byte[] iv = wrapped[..IvLength].ToArray();
        byte[] sealedKey = wrapped[IvLength..].ToArray();
        byte[] aadBytes = aad.ToArray();

        return Execute(kekId, create: false, (session, key) =>
        {
            using IMechanismParams gcm = CreateGcmParameters(session, iv, aadBytes);
            using IMechanism mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_GCM, gcm);
            return DecryptToPinnedArray(session, mechanism, key, sealedKey);
        });
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        DrainIdleSessions();
        _loginSession.Dispose();
        _rawLibrary.Dispose();
        _library.Dispose();
    }

    private static ISlot FindSlot(IPkcs11Library library, string tokenLabel)
    {
        foreach (ISlot slot in library.GetSlotList(SlotsType.WithTokenPresent))
        {
            if (string.Equals(slot.GetTokenInfo().Label.Trim(), tokenLabel, StringComparison.Ordinal))
            {
                return slot;
            }
        }

        throw new KeyUnavailableException(KeyUnavailableReason.ProviderFailure);
    }

    private static void LogIn(ISession session, string pin)
    {
        byte[] pinBytes = Encoding.UTF8.GetBytes(pin);
        try
        {
            session.Login(CKU.CKU_USER, pinBytes);
        }
        catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            // Login state is per application and token; another provider instance already holds it.
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pinBytes);
        }
    }

    private static ICkGcmParams CreateGcmParameters(ISession session, byte[] iv, byte[] aad) =>
        session.Factories.MechanismParamsFactory.CreateCkGcmParams(iv, IvLength * 8, aad, TagLength * 8);

    private byte[] DecryptToPinnedArray(ISession session, IMechanism mechanism, IObjectHandle key, byte[] sealedKey)
    {
        var ckMechanism = (LowLevel.CK_MECHANISM)mechanism.ToMarshalableStructure();
        CKR rv = _rawLibrary.C_DecryptInit(session.SessionId, ref ckMechanism, key.ObjectId);
        if (rv != CKR.CKR_OK)
        {
            throw new Pkcs11Exception("C_DecryptInit", rv);
        }

        // Large enough for any module's answer, so no length query and no resize.
        byte[] buffer = GC.AllocateUninitializedArray<byte>(sealedKey.Length, pinned: true);
        try
        {
            ulong length = (ulong)buffer.Length;
            rv = _rawLibrary.C_Decrypt(session.SessionId, sealedKey, (ulong)sealedKey.Length, buffer, ref length);
            if (IsAuthenticationFailure(rv))
            {
                throw new KeyUnavailableException(KeyUnavailableReason.IntegrityCheckFailed, new Pkcs11Exception("C_Decrypt", rv));
            }

            if (rv != CKR.CKR_OK)
            {
                throw new Pkcs11Exception("C_Decrypt", rv);
            }

            byte[] plaintext = GC.AllocateUninitializedArray<byte>(checked((int)length), pinned: true);
            buffer.AsSpan(0, plaintext.Length).CopyTo(plaintext);
            return plaintext;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>How modules report a GCM tag mismatch once C_DecryptInit has accepted key and parameters.</summary>
    /// <remarks>
    /// PKCS#11 2.40 says CKR_ENCRYPTED_DATA_INVALID, 3.0 adds CKR_AEAD_DECRYPT_FAILED (0x35, not in
    /// Pkcs11Interop 5.3's enum), and SoftHSM2 2.6 returns CKR_GENERAL_ERROR from its final tag check.
    /// </remarks>
    private static bool IsAuthenticationFailure(CKR rv) =>
        rv is CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE or CKR.CKR_GENERAL_ERROR
            || (ulong)rv == CkrAeadDecryptFailed;

    private T Execute<T>(KekId kekId, bool create, Func<ISession, IObjectHandle, T> operation)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        ISession? session = null;
        var healthy = false;
        try
        {
            session = RentSession();
            IObjectHandle key = ResolveKey(session, kekId, create);
            T result = operation(session, key);
            healthy = true;
            return result;
        }
        catch (Pkcs11Exception e)
        {
            throw Translate(e, kekId);
        }
        finally
        {
            if (session is not null)
            {
                // A session that saw an error may hold a half-finished operation: close it.
                ReturnSession(session, healthy);
            }
        }
    }

    private KeyUnavailableException Translate(Pkcs11Exception e, KekId kekId)
    {
        switch (e.RV)
        {
            case CKR.CKR_KEY_HANDLE_INVALID:
            case CKR.CKR_OBJECT_HANDLE_INVALID:
                // Destroyed behind our back (for example by a kill switch): forget the handle.
                _keyHandles.TryRemove(kekId.Label, out _);
                return new KeyUnavailableException(KeyUnavailableReason.NotFound, e);
            default:
                return new KeyUnavailableException(KeyUnavailableReason.ProviderFailure, e);
        }
    }

    private IObjectHandle ResolveKey(ISession session, KekId kekId, bool create)
    {
        string label = kekId.Label;
        if (_keyHandles.TryGetValue(label, out IObjectHandle? cached))
        {
            return cached;
        }

        List<IObjectHandle> found = FindKeys(session, label);
        if (found.Count == 0 && create)
        {
            // Serialises creation within this process; the token itself cannot enforce unique labels.
            lock (_createGate)
            {
                found = FindKeys(session, label);
                if (found.Count == 0)
                {
                    found.Add(GenerateKey(session, label));
                }
            }
        }

        if (found.Count == 0)
        {
            throw new KeyUnavailableException(KeyUnavailableReason.NotFound);
        }

        if (found.Count > 1)
        {
            // Two keys under one label: refusing beats guessing which one wrapped the data.
            throw new KeyUnavailableException(KeyUnavailableReason.PolicyViolation);
        }

        IObjectHandle key = found[0];
        KekDescription description = ReadDescription(session, key);
        if (description.KeyLengthBytes != KeyLength || !description.Sensitive || description.Extractable)
        {
            throw new KeyUnavailableException(KeyUnavailableReason.PolicyViolation);
        }

        return _keyHandles.GetOrAdd(label, key);
    }

    private static List<IObjectHandle> FindKeys(ISession session, string label)
    {
        IObjectAttributeFactory attributes = session.Factories.ObjectAttributeFactory;
        List<IObjectAttribute> template =
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_LABEL, label),
        ];
        try
        {
            return session.FindAllObjects(template);
        }
        finally
        {
            DisposeAll(template);
        }
    }

    private static IObjectHandle GenerateKey(ISession session, string label)
    {
        IObjectAttributeFactory attributes = session.Factories.ObjectAttributeFactory;
        List<IObjectAttribute> template =
        [
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
            attributes.Create(CKA.CKA_VALUE_LEN, (ulong)KeyLength),
            attributes.Create(CKA.CKA_LABEL, label),
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_PRIVATE, true),
            attributes.Create(CKA.CKA_SENSITIVE, true),
            attributes.Create(CKA.CKA_EXTRACTABLE, false),
            attributes.Create(CKA.CKA_ENCRYPT, true),
            attributes.Create(CKA.CKA_DECRYPT, true),
            attributes.Create(CKA.CKA_WRAP, false),
            attributes.Create(CKA.CKA_UNWRAP, false),
            attributes.Create(CKA.CKA_SIGN, false),
            attributes.Create(CKA.CKA_VERIFY, false),
            attributes.Create(CKA.CKA_DERIVE, false),
        ];
        try
        {
            using IMechanism mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN);
            return session.GenerateKey(mechanism, template);
        }
        finally
        {
            DisposeAll(template);
        }
    }

    private static KekDescription ReadDescription(ISession session, IObjectHandle key)
    {
        List<IObjectAttribute> values = session.GetAttributeValue(key,
        [
            CKA.CKA_LABEL,
            CKA.CKA_VALUE_LEN,
            CKA.CKA_TOKEN,
            CKA.CKA_SENSITIVE,
            CKA.CKA_EXTRACTABLE,
            CKA.CKA_ALWAYS_SENSITIVE,
            CKA.CKA_NEVER_EXTRACTABLE,
            CKA.CKA_LOCAL,
        ]);
        try
        {
            return new KekDescription(
                Label: values[0].GetValueAsString(),
                KeyLengthBytes: checked((int)values[1].GetValueAsUlong()),
                OnToken: values[2].GetValueAsBool(),
                Sensitive: values[3].GetValueAsBool(),
                Extractable: values[4].GetValueAsBool(),
                AlwaysSensitive: values[5].GetValueAsBool(),
                NeverExtractable: values[6].GetValueAsBool(),
                GeneratedOnToken: values[7].GetValueAsBool());
        }
        finally
        {
            DisposeAll(values);
        }
    }

    private static void DisposeAll(List<IObjectAttribute> attributes)
    {
        foreach (IObjectAttribute attribute in attributes)
        {
            attribute.Dispose();
        }
    }

    private ISession RentSession() =>
        _idleSessions.TryTake(out ISession? session) ? session : _slot.OpenSession(SessionType.ReadWrite);

    private void ReturnSession(ISession session, bool healthy)
    {
        if (!healthy || _idleSessions.Count >= _maxIdleSessions || Volatile.Read(ref _disposed) != 0)
        {
            session.Dispose();
            return;
        }

        _idleSessions.Add(session);
        if (Volatile.Read(ref _disposed) != 0)
        {
            DrainIdleSessions();
        }
    }

    private void DrainIdleSessions()
    {
        while (_idleSessions.TryTake(out ISession? session))
        {
            session.Dispose();
        }
    }
}
