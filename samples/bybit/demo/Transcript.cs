namespace McpGuard.BybitDemo;

/// <summary>Writes the demo's story: what the agent does, and what happened to it.</summary>
internal sealed class Transcript(TextWriter output, bool plain)
{
    public void Heading(string text) => output.WriteLine($"{Environment.NewLine}{Paint("1", $"== {text}")}");

    public void Agent(string text) => output.WriteLine($"  {Paint("36", "agent ›")} {text}");

    public void Human(string text) => output.WriteLine($"  {Paint("35", "human ›")} {text}");

    public void Outcome(bool good, string text) =>
        output.WriteLine($"    {Paint(good ? "32" : "33", good ? "✔" : "✘")} {text}");

    public void Note(string text) => output.WriteLine($"    {Paint("2", text)}");

    private string Paint(string code, string text) => plain ? text : $"\u001b[{code}m{text}\u001b[0m";
}
