using McpGuard.Policy;
using McpGuard.Policy.Risk;

namespace McpGuard.Tests.Policy;

/// <summary>
/// The words of every rule id (docs/audit.md, the <c>rule</c> field): the audit, test, replay, explain and the
/// terminal print exactly these, so they never change by accident.
/// </summary>
public sealed class RuleIdTests
{
    public static TheoryData<string, string, string> Named => new()
    {
        { nameof(RuleId.Default), "default", nameof(RuleKind.Default) },
        { nameof(RuleId.Hide), "hide", nameof(RuleKind.Hide) },
        { nameof(RuleId.Limits), "limits", nameof(RuleKind.Limits) },
        { nameof(RuleId.Store), "state", nameof(RuleKind.Store) },
        { nameof(RuleId.PinChanged), "pins.on_change", nameof(RuleKind.PinChanged) },
        { nameof(RuleId.PinNew), "pins.on_new", nameof(RuleKind.PinNew) },
        { nameof(RuleId.Approval), "approval", nameof(RuleKind.Approval) },
        { nameof(RuleId.Sampling), "sampling", nameof(RuleKind.Sampling) },
    };

    [Theory]
    [MemberData(nameof(Named))]
    public void Named_rules_keep_their_words(string member, string words, string kind)
    {
        var id = member switch
        {
            nameof(RuleId.Default) => RuleId.Default,
            nameof(RuleId.Hide) => RuleId.Hide,
            nameof(RuleId.Limits) => RuleId.Limits,
            nameof(RuleId.Store) => RuleId.Store,
            nameof(RuleId.PinChanged) => RuleId.PinChanged,
            nameof(RuleId.PinNew) => RuleId.PinNew,
            nameof(RuleId.Approval) => RuleId.Approval,
            _ => RuleId.Sampling,
        };

        Assert.Equal(words, id.Text);
        Assert.Equal(words, id.ToString());
        Assert.Equal(kind, id.Kind.ToString());
    }

    [Theory]
    [InlineData(RiskClass.Read, "risk.read")]
    [InlineData(RiskClass.Write, "risk.write")]
    [InlineData(RiskClass.Destructive, "risk.destructive")]
    [InlineData(RiskClass.Critical, "risk.critical")]
    [InlineData(RiskClass.Unknown, "risk.unknown")]
    public void A_risk_class_is_named_by_its_word(RiskClass risk, string words)
    {
        Assert.Equal(words, RuleId.Risk(risk).Text);
        Assert.Equal(RuleKind.Risk, RuleId.Risk(risk).Kind);
    }

    [Fact]
    public void An_entry_and_its_rules_are_named_by_the_pattern_as_written()
    {
        var entry = RuleId.Entry("place_*");
        var rule = RuleId.Rule(entry, 1);

        Assert.Equal("tools.place_*", entry.Text);
        Assert.Equal("tools.place_*.rules[1]", rule.Text);
        Assert.Equal(RuleId.Entry("place_*"), entry);
        Assert.True(rule.IsRuleOf(entry));
        Assert.False(rule.IsRuleOf(RuleId.Entry("place")));
        Assert.False(RuleId.Rule(RuleId.Entry("place_*x"), 0).IsRuleOf(entry));
        Assert.False(entry.IsRuleOf(entry));
    }

    [Fact]
    public void Only_the_pin_rules_are_pins()
    {
        Assert.True(RuleId.PinChanged.IsPin);
        Assert.True(RuleId.PinNew.IsPin);
        Assert.False(RuleId.Hide.IsPin);
        Assert.False(RuleId.Entry("pins.on_change").IsPin);
    }
}
