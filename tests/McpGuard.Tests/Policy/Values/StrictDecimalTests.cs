using System.Numerics;
using McpGuard.Policy.Values;

namespace McpGuard.Tests.Policy.Values;

/// <summary>
/// The edges of <see cref="StrictDecimal"/>'s long arithmetic: where a long mantissa hands over to BigInteger,
/// the value, its order and its hash must be the ones BigInteger alone gives.
/// </summary>
public sealed class StrictDecimalTests
{
    [Fact]
    public void Add_SumPastTheLongRange_ExactAsBigInteger()
    {
        var sum = new StrictDecimal(long.MaxValue, 0) + StrictDecimal.One;

        Assert.Equal(new BigInteger(long.MaxValue) + 1, sum.Mantissa);
        Assert.False(sum.TryGetSmallMantissa(out _));
        Assert.Equal(new StrictDecimal(long.MaxValue, 0), sum - StrictDecimal.One);
        Assert.True(sum > new StrictDecimal(long.MaxValue, 0));
    }

    [Fact]
    public void Negate_LongMinValue_ExactAsBigInteger()
    {
        var negated = -new StrictDecimal(long.MinValue, 2);

        Assert.Equal(-new BigInteger(long.MinValue), negated.Mantissa);
        Assert.Equal(2, negated.Scale);
        Assert.True(negated > StrictDecimal.Zero);
    }

    [Fact]
    public void CompareTo_ScaleTooFarApartForALong_ExactAsBigInteger()
    {
        // 1e-30 against 0: aligning needs 10^30, past any long power of ten.
        var tiny = new StrictDecimal(1, 30);
        var huge = new StrictDecimal(long.MaxValue / 3, 0);

        Assert.True(tiny > StrictDecimal.Zero);
        Assert.True(tiny < new StrictDecimal(1, 29));
        Assert.True(huge > new StrictDecimal(long.MaxValue, 10));
        Assert.Equal(huge + tiny - tiny, huge);
    }

    [Fact]
    public void GetHashCode_BigMantissaEqualToASmallOne_HashesAlike()
    {
        // 10^20 × 10^-5 is 10^15: kept as a BigInteger, it still equals and hashes as the long 10^15.
        var big = new StrictDecimal(BigInteger.Pow(10, 20), 5);
        var small = new StrictDecimal(1_000_000_000_000_000, 0);

        Assert.False(big.TryGetSmallMantissa(out _));
        Assert.Equal(small, big);
        Assert.Equal(small.GetHashCode(), big.GetHashCode());
    }

    [Theory]
    [InlineData("1e3", "1000")]
    [InlineData("-25E+2", "-2500")]
    [InlineData("5e-3", "0.005")]
    [InlineData("9e30", "9000000000000000000000000000000")]
    public void TryParseUtf8_Exponent_MultipliedOut(string json, string expected)
    {
        Assert.True(StrictDecimal.TryParseUtf8(System.Text.Encoding.ASCII.GetBytes(json), true, out var value));

        Assert.Equal(expected, value.ToString());
    }
}
