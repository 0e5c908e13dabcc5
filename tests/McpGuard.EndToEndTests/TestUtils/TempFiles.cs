namespace McpGuard.EndToEndTests.TestUtils;

internal static class TempFiles
{
    /// <summary>A uniquely named file under the temp folder, so parallel tests never share one.</summary>
    public static string Write(string name, string content)
    {
        var path = NewPath(name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A uniquely named path under the temp folder, not created: for a file the guard writes.</summary>
    public static string NewPath(string name) =>
        Path.Combine(Path.GetTempPath(), $"mcpguard-{Guid.NewGuid():n}-{name}");
}
