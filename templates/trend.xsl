<?xml version="1.0" encoding="UTF-8"?>
<!--
  hullscan trend chart: findings by severity over the last builds, stacked
  bars, as a standalone SVG (trend.svg, shown by index.html through <img>).
  Presentation attributes only: no <style>, no style attribute, no script.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns="http://www.w3.org/2000/svg">
  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>

  <xsl:variable name="W" select="760"/>
  <xsl:variable name="H" select="260"/>
  <xsl:variable name="left" select="48"/>
  <xsl:variable name="right" select="16"/>
  <xsl:variable name="top" select="36"/>
  <xsl:variable name="bottom" select="40"/>
  <xsl:variable name="plotw" select="$W - $left - $right"/>
  <xsl:variable name="ploth" select="$H - $top - $bottom"/>
  <xsl:variable name="font" select="'system-ui, -apple-system, Segoe UI, Roboto, sans-serif'"/>

  <xsl:template name="colour">
    <xsl:param name="sev"/>
    <xsl:choose>
      <xsl:when test="$sev = 'Critical'">#9f1239</xsl:when>
      <xsl:when test="$sev = 'High'">#e8590c</xsl:when>
      <xsl:when test="$sev = 'Medium'">#f0b429</xsl:when>
      <xsl:when test="$sev = 'Low'">#4c8bf5</xsl:when>
      <xsl:when test="$sev = 'Negligible'">#9aa5b1</xsl:when>
      <xsl:otherwise>#cbd2d9</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A round axis maximum whose quarter is a whole number. -->
  <xsl:template name="axis-max">
    <xsl:param name="max"/>
    <xsl:choose>
      <xsl:when test="$max &lt;= 4">4</xsl:when>
      <xsl:when test="$max &lt;= 8">8</xsl:when>
      <xsl:when test="$max &lt;= 20">20</xsl:when>
      <xsl:when test="$max &lt;= 40">40</xsl:when>
      <xsl:when test="$max &lt;= 100">100</xsl:when>
      <xsl:when test="$max &lt;= 200">200</xsl:when>
      <xsl:when test="$max &lt;= 400">400</xsl:when>
      <xsl:when test="$max &lt;= 1000">1000</xsl:when>
      <xsl:when test="$max &lt;= 2000">2000</xsl:when>
      <xsl:when test="$max &lt;= 4000">4000</xsl:when>
      <xsl:when test="$max &lt;= 10000">10000</xsl:when>
      <xsl:when test="$max &lt;= 20000">20000</xsl:when>
      <xsl:when test="$max &lt;= 40000">40000</xsl:when>
      <xsl:when test="$max &lt;= 100000">100000</xsl:when>
      <xsl:otherwise><xsl:value-of select="ceiling($max div 4) * 4"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="/report">
    <xsl:variable name="n" select="count(trend/point)"/>
    <xsl:variable name="amax">
      <xsl:call-template name="axis-max">
        <xsl:with-param name="max" select="number(trend/@max)"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="scale" select="$ploth div number($amax)"/>
    <xsl:variable name="slot" select="$plotw div ($n + ($n = 0))"/>
    <xsl:variable name="barw">
      <xsl:choose>
        <xsl:when test="$slot * 0.62 &gt; 56">56</xsl:when>
        <xsl:otherwise><xsl:value-of select="$slot * 0.62"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="every" select="ceiling($n div 16)"/>
    <xsl:variable name="base" select="$top + $ploth"/>

    <svg width="{$W}" height="{$H}" viewBox="0 0 {$W} {$H}"
        font-family="{$font}" font-size="11" role="img">
      <title>Findings by severity over the last builds</title>
      <rect x="0" y="0" width="{$W}" height="{$H}" fill="#ffffff"/>

      <!-- Grid and y axis labels. -->
      <xsl:for-each select="(summary/severity)[position() &lt;= 5]">
        <xsl:variable name="v" select="(position() - 1) * number($amax) div 4"/>
        <xsl:variable name="y" select="$base - $v * $scale"/>
        <line x1="{$left}" x2="{$W - $right}" y1="{$y}" y2="{$y}"
            stroke="#e4e7eb" stroke-width="1"/>
        <text x="{$left - 8}" y="{$y + 4}" text-anchor="end" fill="#616e7c">
          <xsl:value-of select="$v"/>
        </text>
      </xsl:for-each>

      <!-- Bars: Critical at the bottom, each severity stacked on the worse ones. -->
      <xsl:for-each select="trend/point">
        <xsl:variable name="i" select="position() - 1"/>
        <xsl:variable name="x" select="$left + $i * $slot + ($slot - $barw) div 2"/>
        <g>
          <title>
            <xsl:text>#</xsl:text><xsl:value-of select="@build"/>
            <xsl:text>: </xsl:text><xsl:value-of select="@total"/><xsl:text> findings</xsl:text>
            <xsl:for-each select="count[@n &gt; 0]">
              <xsl:text>, </xsl:text><xsl:value-of select="@n"/>
              <xsl:text> </xsl:text><xsl:value-of select="@severity"/>
            </xsl:for-each>
          </title>
          <xsl:for-each select="count[@n &gt; 0]">
            <xsl:variable name="below" select="sum(preceding-sibling::count/@n)"/>
            <rect x="{$x}" width="{$barw}"
                y="{$base - ($below + @n) * $scale}" height="{@n * $scale}">
              <xsl:attribute name="fill">
                <xsl:call-template name="colour">
                  <xsl:with-param name="sev" select="@severity"/>
                </xsl:call-template>
              </xsl:attribute>
            </rect>
          </xsl:for-each>
          <text x="{$x + $barw div 2}" y="{$base - @total * $scale - 5}"
              text-anchor="middle" fill="#323f4b">
            <xsl:value-of select="@total"/>
          </text>
          <xsl:if test="$i mod $every = 0 or @current = 'yes'">
            <text x="{$x + $barw div 2}" y="{$base + 18}" text-anchor="middle">
              <xsl:choose>
                <xsl:when test="@current = 'yes'">
                  <xsl:attribute name="fill">#1f2933</xsl:attribute>
                  <xsl:attribute name="font-weight">700</xsl:attribute>
                </xsl:when>
                <xsl:otherwise>
                  <xsl:attribute name="fill">#616e7c</xsl:attribute>
                </xsl:otherwise>
              </xsl:choose>
              <xsl:text>#</xsl:text><xsl:value-of select="@build"/>
            </text>
          </xsl:if>
        </g>
      </xsl:for-each>
      <line x1="{$left}" x2="{$W - $right}" y1="{$base}" y2="{$base}"
          stroke="#9aa5b1" stroke-width="1"/>

      <!-- Legend. -->
      <xsl:for-each select="summary/severity">
        <xsl:variable name="lx" select="$left + (position() - 1) * 96"/>
        <rect x="{$lx}" y="10" width="10" height="10" rx="2">
          <xsl:attribute name="fill">
            <xsl:call-template name="colour">
              <xsl:with-param name="sev" select="@name"/>
            </xsl:call-template>
          </xsl:attribute>
        </rect>
        <text x="{$lx + 15}" y="19" fill="#323f4b"><xsl:value-of select="@name"/></text>
      </xsl:for-each>
      <xsl:if test="$n = 0">
        <text x="{$W div 2}" y="{$top + $ploth div 2}" text-anchor="middle"
            fill="#616e7c" font-size="14">No history yet</text>
      </xsl:if>
    </svg>
  </xsl:template>
</xsl:stylesheet>
