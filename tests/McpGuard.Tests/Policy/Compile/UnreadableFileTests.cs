using McpGuard.Policy.Compile;
using McpGuard.Policy.Proving;
using McpGuard.Policy.Yaml;
using McpGuard.Tests.TestUtils;

namespace McpGuard.Tests.Policy.Compile;

/// <summary>
/// A policy or cases file that cannot be read is one error naming the file, not a stack trace (both loaders read
/// their files through SingleYamlDocument.ReadFile). A folder in the file's place is unreadable on every platform.
/// </summary>
public sealed class UnreadableFileTests
{
    [Fact]
    public void PolicyLoader_FolderInsteadOfFile_OneErrorNamingThePolicyFile()
    {
        using var temp = new TempDirectory();

        var error = Assert.Single(PolicyLoader.LoadFile(temp.Path).Errors);

        AssertUnreadable(error, temp.Path, "cannot read the policy file: ");
    }

    [Fact]
    public void CasesLoader_FolderInsteadOfFile_OneErrorNamingTheCasesFile()
    {
        using var temp = new TempDirectory();

        var error = Assert.Single(CasesLoader.LoadFile(temp.Path).Errors);

        AssertUnreadable(error, temp.Path, "cannot read the cases file: ");
    }

    [Fact]
    public void PolicyLoader_FolderInsteadOfFile_SaysItIsAFolder()
    {
        using var temp = new TempDirectory();

        var error = Assert.Single(PolicyLoader.LoadFile(temp.Path).Errors);

        Assert.Equal("cannot read the policy file: it is a folder, not a file", error.Message);
    }

    [Fact]
    public void PolicyLoader_MissingFile_SaysItDoesNotExist()
    {
        using var temp = new TempDirectory();

        var error = Assert.Single(PolicyLoader.LoadFile(temp.File("policy.yaml")).Errors);

        Assert.Equal("cannot read the policy file: it does not exist", error.Message);
    }

    private static void AssertUnreadable(PolicyError error, string path, string start)
    {
        Assert.Equal((path, 0, 0, "$"), (error.File, error.Line, error.Column, error.Path));
        Assert.StartsWith(start, error.Message, StringComparison.Ordinal);
    }
}
