namespace McpGuard.EndToEndTests.TestUtils;

internal static class TempFiles
{
    /// <summary>A uniquely named file under the temp folder, so parallel tests never share one.</summary>
    public static string Write(string name, string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mcpguard-{Guid.NewGuid():n}-{name}");
        File.WriteAllText(path, content);
        return path;
    }
}
