package io.consentkit.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic, realistic mix of outbound SMS bodies of the kinds ConsentKit's users send:
 * chore and appointment reminders, shipping updates with links, marketing with opt-out footers,
 * some with extension characters ({@code €}, {@code []}), some with curly quotes, emoji or CJK
 * (which force UCS-2), from one-liners to three-segment messages.
 */
final class MessageCorpus {
    private static final String[] NAMES = {"Ana", "Ben", "Chloe", "Dev", "Eli", "Fatima", "Greg", "Hana", "José",
        "Zoë"};
    private static final String[] CHORES = {"Take out trash", "Feed the cat", "Empty the dishwasher",
        "Water the plants", "Vacuum the living room", "Fold the laundry"};
    private static final String[] EMOJI = {"\uD83D\uDE00", "\uD83C\uDF89", "\uD83D\uDCE6", "\u2705", "\uD83D\uDE9A",
        "\uD83D\uDC4D\uD83C\uDFFD", "\uD83C\uDDFA\uD83C\uDDF8"};

    private MessageCorpus() {
    }

    static String[] build(int size, long seed) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(message(r, i % 20));
        }
        return out.toArray(new String[0]);
    }

    private static String message(Random r, int kind) {
        String name = NAMES[r.nextInt(NAMES.length)];
        String chore = CHORES[r.nextInt(CHORES.length)];
        String code = Integer.toString(100000 + r.nextInt(900000), 36).toUpperCase();
        String link = "https://short.link/" + code.toLowerCase();
        switch (kind) {
            case 0, 1, 2:
                return "Chore due: " + chore + " by " + (1 + r.nextInt(11)) + "pm. View: " + link;
            case 3, 4:
                return "SafeShipper: Shipment SH" + code + " delivered to " + name + ". Track: " + link;
            case 5:
                return "Hi " + name + ", your appointment at Basin Climbing is tomorrow at " + (8 + r.nextInt(10))
                        + ":00. Reply C to confirm or R to reschedule. Reply STOP to opt out.";
            case 6:
                return "Thanks for subscribing to Raven Service Assistant alerts. Reply STOP to opt out, HELP for help. "
                        + "Msg&data rates may apply. Up to 4 msgs/month.";
            case 7:
                return "Flash sale! 20% off all plans this weekend only: " + link + " Use code " + code
                        + " at checkout. Offer ends Sunday midnight. Reply STOP to opt out.";
            case 8:
                return "Your invoice #" + code + " of \u20AC" + (10 + r.nextInt(90)) + "." + (10 + r.nextInt(89))
                        + " is ready [due in 14 days]. Pay: " + link;
            case 9:
                return "GreenWatt USA: Hello " + name + ", thank you for your interest in community solar! Please "
                        + "reply with Y to confirm your participation in our Community Distributed Generation (CDG) "
                        + "program, or N if you wish to opt out. Your response helps us finalize your enrollment. "
                        + "Reply STOP to unsubscribe.";
            case 10:
                return "Hi " + name + ", it\u2019s time for \u201C" + chore + "\u201D \u2014 due by 6pm. View: " + link;
            case 11:
                return "Reward approved " + EMOJI[r.nextInt(EMOJI.length)] + " " + name + " earned "
                        + (5 + r.nextInt(20)) + " points for: " + chore + "!";
            case 12:
                return "\u60A8\u7684\u5305\u88F9 SH" + code + " \u5DF2\u9001\u8FBE\u3002\u8BF7\u67E5\u770B: " + link;
            case 13:
                return "Hi " + name + ", we couldn\u2019t reach you about order " + code + ". Our driver will try again "
                        + "tomorrow between 9am and 1pm. Reschedule or leave delivery instructions here: " + link
                        + " \u2014 SafeShipper";
            case 14:
                return "Reminder: " + chore + " " + EMOJI[r.nextInt(EMOJI.length)] + EMOJI[r.nextInt(EMOJI.length)];
            case 15:
                return "Code " + code + " is your verification code.";
            case 16:
                return "Basin Climbing: New route setting this week on the north wall, youth team tryouts on "
                        + "Saturday at 10am, and yoga moves to 7pm on Thursdays. Members bring a friend free all "
                        + "month; see the schedule at " + link + " Reply STOP to opt out or HELP for help.";
            case 17:
                return "Overdue: " + chore + " (was due yesterday). Mark done: " + link;
            case 18:
                return "Hi " + name + "! Your weekly summary: 5 chores done, 2 pending, 1 overdue. Rewards balance: "
                        + (10 + r.nextInt(200)) + " pts. Keep it up! See details at " + link;
            default:
                return "STOP received. You will not receive more messages from SafeShipper. Reply START to resubscribe.";
        }
    }
}
