/**
 * The application the JUnit extension's fixtures test ({@code dev.loomscope.junit.BudgetFixtures}): code outside
 * Loomscope's own packages and the JDK, so that a failure names it as a team's own code would be named.
 */
package com.example.shop;
