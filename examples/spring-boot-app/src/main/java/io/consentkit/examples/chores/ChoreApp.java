package io.consentkit.examples.chores;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Chore reminders for a household, texted with ConsentKit on Spring Boot: family members opt in at
 * home (in-person consent recorded by a parent), reminders go through the guarded sender, a STOP
 * texted back revokes consent through the Twilio webhook the starter mounts. Run it with
 * {@code ./bin/chore-app}; the journal is the embedded CSV default ({@code ./chore-data/consents.csv}).
 */
@SpringBootApplication
public class ChoreApp {
    public static void main(String[] args) {
        SpringApplication.run(ChoreApp.class, args);
    }
}
