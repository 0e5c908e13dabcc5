namespace McpGuard.State;

/// <summary>
/// SQLite's VFS structures (sqlite3.h), as far as <see cref="SqliteFrameWrites"/> reads and fills them: the fields
/// it never touches are there for the layout only.
/// </summary>
internal static unsafe class SqliteVfs
{
#pragma warning disable CS0649 // Filled by SQLite or copied whole from its structures, never assigned one by one.
    /// <summary>sqlite3_file (sqlite3.h): the methods first, then the VFS's own state.</summary>
    public struct sqlite3_file
    {
        public sqlite3_io_methods* pMethods;
    }

    /// <summary>sqlite3_io_methods (sqlite3.h), version 3.</summary>
    public struct sqlite3_io_methods
    {
        public int iVersion;
        public delegate* unmanaged<sqlite3_file*, int> xClose;
        public delegate* unmanaged<sqlite3_file*, byte*, int, long, int> xRead;
        public delegate* unmanaged<sqlite3_file*, byte*, int, long, int> xWrite;
        public delegate* unmanaged<sqlite3_file*, long, int> xTruncate;
        public delegate* unmanaged<sqlite3_file*, int, int> xSync;
        public delegate* unmanaged<sqlite3_file*, long*, int> xFileSize;
        public nint xLock;
        public nint xUnlock;
        public nint xCheckReservedLock;
        public delegate* unmanaged<sqlite3_file*, int, void*, int> xFileControl;
        public nint xSectorSize;
        public nint xDeviceCharacteristics;
        public nint xShmMap;
        public nint xShmLock;
        public nint xShmBarrier;
        public nint xShmUnmap;
        public nint xFetch;
        public nint xUnfetch;
    }

    /// <summary>sqlite3_vfs (sqlite3.h), version 3.</summary>
    public struct sqlite3_vfs
    {
        public int iVersion;
        public int szOsFile;
        public int mxPathname;
        public sqlite3_vfs* pNext;
        public byte* zName;
        public void* pAppData;
        public delegate* unmanaged<sqlite3_vfs*, byte*, sqlite3_file*, int, int*, int> xOpen;
        public nint xDelete;
        public nint xAccess;
        public nint xFullPathname;
        public nint xDlOpen;
        public nint xDlError;
        public nint xDlSym;
        public nint xDlClose;
        public nint xRandomness;
        public nint xSleep;
        public nint xCurrentTime;
        public nint xGetLastError;
        public nint xCurrentTimeInt64;
        public nint xSetSystemCall;
        public nint xGetSystemCall;
        public nint xNextSystemCall;
    }
#pragma warning restore CS0649
}
