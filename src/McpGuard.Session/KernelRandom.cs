using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace McpGuard;

/// <summary>
/// Cryptographically secure random bytes from the kernel (getentropy(3): Linux's getrandom, the BSDs' and macOS's
/// own), the source OpenSSL seeds itself from. On Linux, <see cref="RandomNumberGenerator"/> goes through OpenSSL,
/// and its first use loads and initialises libssl and libcrypto and reads openssl.cnf: every guard paid that before
/// its first answer for the audit session id and the approval key alone (bench/HISTORY.md, twenty-first session).
/// Elsewhere, or where libc lacks the call, it is <see cref="RandomNumberGenerator"/>.
/// </summary>
// In the root namespace, like TerminalText: the audit log, the session and the HTTP gateway all draw from it.
internal static partial class KernelRandom
{
    private const int MaxPerCall = 256; // getentropy's limit per call

    private static bool s_unavailable = !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS());

    public static byte[] GetBytes(int count)
    {
        var bytes = new byte[count];
        Fill(bytes);
        return bytes;
    }

    public static void Fill(Span<byte> destination)
    {
        if (!s_unavailable && TryFillFromKernel(destination))
        {
            return;
        }

        RandomNumberGenerator.Fill(destination);
    }

    private static bool TryFillFromKernel(Span<byte> destination)
    {
        try
        {
            for (var offset = 0; offset < destination.Length; offset += MaxPerCall)
            {
                var chunk = destination.Slice(offset, Math.Min(MaxPerCall, destination.Length - offset));
                if (GetEntropy(ref MemoryMarshal.GetReference(chunk), (nuint)chunk.Length) != 0)
                {
                    return false;
                }
            }

            return true;
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "getentropy")]
    private static partial int GetEntropy(ref byte buffer, nuint length);
}
